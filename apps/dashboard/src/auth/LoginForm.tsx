// The login form, in place of the page while the broker refuses the credentials or after logging out:
// the broker's reason, labelled username and password fields, "remember" and the submit button.
import { useEffect, useRef, useState } from 'preact/hooks';
import { profileUrl } from '../client/profiles';
import { useServices } from '../services';

export function LoginForm() {
  const { login, profiles } = useServices();
  const prompt = login.prompt.value;
  const profile = profiles.active;
  const [username, setUsername] = useState(profile.username);
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(profile.rememberPassword);
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const busy = login.busy.value;
  const refused = prompt?.kind === 'refused';

  // Focus moves into the form when it appears, and back to the password after every refusal.
  useEffect(() => {
    const target = usernameInput.current?.value === '' ? usernameInput.current : passwordInput.current;
    target?.focus();
    target?.select();
  }, [prompt]);

  const submit = (event: Event): void => {
    event.preventDefault();
    if (busy || username.trim() === '' || password === '') return;
    login.login({ username: username.trim(), password, remember });
  };

  return (
    <section class="login card" aria-labelledby="login-heading" data-testid="login-form">
      <h1 id="login-heading">Log in</h1>
      <p class="muted small">
        {profile.name} · <code>{profileUrl(profile)}</code>
      </p>
      {refused ? (
        <p id="login-message" class="error login-message" role="alert" data-testid="login-error">
          {prompt.refusal.reason}
        </p>
      ) : (
        <p id="login-message" class="muted login-message" role="status">
          {prompt?.kind === 'logged-out' ? 'You have logged out.' : 'The gateway needs a user name and password.'}
        </p>
      )}
      <form class="form" onSubmit={submit} aria-busy={busy}>
        <label class="field" for="login-username">
          <span>Username</span>
          <input
            ref={usernameInput}
            id="login-username"
            name="username"
            autocomplete="username"
            required
            spellcheck={false}
            autocapitalize="none"
            value={username}
            aria-describedby="login-message"
            aria-invalid={refused ? true : undefined}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </label>
        <label class="field" for="login-password">
          <span>Password</span>
          <input
            ref={passwordInput}
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            aria-describedby="login-message"
            aria-invalid={refused ? true : undefined}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        <label class="check" for="login-remember">
          <input id="login-remember" type="checkbox" checked={remember} onChange={(event) => setRemember(event.currentTarget.checked)} />
          Remember the password on this device
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p class="small login-settings">
        <a href="#/client" onClick={() => login.dismiss()}>
          Connection settings
        </a>
      </p>
    </section>
  );
}
