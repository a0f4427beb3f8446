// Whether the login form takes the place of the page, and why: the broker refused the credentials, or
// the user logged out. It goes away once a connection is up (or the user opens the connection settings).
import { computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { Credentials, ProfileStore } from '../client/profile-store';
import type { ConnectionManager } from '../mqtt/connection';
import type { ConnectRefusal } from '../mqtt/refusal';

export type LoginPrompt = { readonly kind: 'refused'; readonly refusal: ConnectRefusal } | { readonly kind: 'logged-out' };

export class LoginState {
  /** Why the login form is shown; undefined while it is not. */
  readonly prompt = signal<LoginPrompt | undefined>(undefined);
  /** A login was submitted and the broker has not answered yet. */
  readonly busy: ReadonlySignal<boolean>;
  /** The header offers "Log out": the active profile has a user and no login form is shown. */
  readonly canLogOut: ReadonlySignal<boolean>;
  private readonly stopWatching: () => void;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly profiles: ProfileStore,
  ) {
    this.busy = computed(() => this.prompt.value !== undefined && manager.status.value === 'connecting');
    this.canLogOut = computed(() => this.prompt.value === undefined && profiles.active.username !== '');
    this.stopWatching = effect(() => {
      const status = manager.status.value;
      const refusal = manager.refusal.value;
      if (status === 'connected') this.prompt.value = undefined;
      else if (status === 'unauthorized' && refusal) this.prompt.value = { kind: 'refused', refusal };
    });
  }

  /** Saves the credentials into the active profile and reconnects; the form stays until the broker answers. */
  login(credentials: Credentials): void {
    this.profiles.login(this.manager, credentials);
  }

  /** Disconnects, forgets the password and shows the login form. */
  async logout(): Promise<void> {
    this.profiles.forgetPassword();
    this.prompt.value = { kind: 'logged-out' };
    await this.manager.disconnect();
  }

  /** Hides the form (to reach the connection settings) without connecting. */
  dismiss(): void {
    this.prompt.value = undefined;
  }

  dispose(): void {
    this.stopWatching();
  }
}
