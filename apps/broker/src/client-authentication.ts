// Who a connecting client is: a user with a password from the password file, the CN of a client
// certificate the proxy verified, or anonymous where that is allowed. The answer is an MQTT 3.1.1
// CONNACK return code when the client is refused: 4 (bad user name or password) or 5 (not authorized).
import type { PasswordFile } from '@gateway/access-control';
import type { ConnectionInfo } from './connections.js';
import type { WatchedFile } from './watched-file.js';

export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;

export type AuthenticationVerdict =
  | { ok: true; username: string | undefined; method: 'password' | 'certificate' | 'anonymous' | 'unverified' }
  | { ok: false; returnCode: typeof BAD_USERNAME_OR_PASSWORD | typeof NOT_AUTHORIZED; reason: 'anonymous' | 'bad_credentials' | 'no_password_file' };

export interface AuthenticationOptions {
  allowAnonymous: boolean;
  passwords: WatchedFile<PasswordFile> | undefined;
}

export class ClientAuthentication {
  constructor(private readonly options: AuthenticationOptions) {}

  async check(connection: ConnectionInfo | undefined, username: string | undefined, password: Buffer | undefined): Promise<AuthenticationVerdict> {
    if (connection?.certificateCn !== undefined) return { ok: true, username: connection.certificateCn, method: 'certificate' };
    if (username === undefined) {
      return this.options.allowAnonymous ? { ok: true, username: undefined, method: 'anonymous' } : { ok: false, returnCode: NOT_AUTHORIZED, reason: 'anonymous' };
    }
    const passwords = this.options.passwords?.current();
    if (passwords === undefined) {
      // Without a password file a user name is only a label, as with Mosquitto: accepted where anonymous clients are.
      return this.options.allowAnonymous ? { ok: true, username, method: 'unverified' } : { ok: false, returnCode: NOT_AUTHORIZED, reason: 'no_password_file' };
    }
    const verified = await passwords.verify(username, password ?? Buffer.alloc(0));
    return verified ? { ok: true, username, method: 'password' } : { ok: false, returnCode: BAD_USERNAME_OR_PASSWORD, reason: 'bad_credentials' };
  }
}
