// "Log out" in the header: disconnects, forgets the password and brings back the login form.
import { useServices } from '../services';

export function LogoutButton() {
  const { login, profiles } = useServices();
  if (!login.canLogOut.value) return null;
  const { username } = profiles.active;
  return (
    <button type="button" class="btn btn-small btn-header" onClick={() => void login.logout()} title={`Log out ${username}`}>
      Log out
    </button>
  );
}
