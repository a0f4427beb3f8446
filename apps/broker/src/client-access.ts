// Opens what authentication and authorisation need from the configuration: the password file and the ACL
// file (each reloaded when it changes), and says at start-up, in one log line, who may connect.
import { existsSync } from 'node:fs';
import { allowAll, createAclPolicy, loadAclFile, PasswordFile, type AccessPolicy } from '@gateway/access-control';
import type { Logger } from '@gateway/service-kit';
import { ClientAuthentication } from './client-authentication.js';
import type { BrokerConfig } from './config.js';
import { watchConfigFile, type WatchedFile } from './watched-file.js';

export interface ClientAccess {
  authentication: ClientAuthentication;
  /** The ACL in force now. */
  acl: () => AccessPolicy;
  close(): void;
}

export async function openClientAccess(config: Pick<BrokerConfig, 'allowAnonymous' | 'passwordFile' | 'aclFile'>, logger: Logger): Promise<ClientAccess> {
  const watched: WatchedFile<unknown>[] = [];
  try {
    const passwords =
      config.passwordFile === undefined
        ? undefined
        : await watchConfigFile(config.passwordFile, (path) => PasswordFile.load(path, { ifMissing: 'empty' }), { what: 'password file', logger });
    if (passwords) watched.push(passwords);
    if (config.passwordFile !== undefined && !existsSync(config.passwordFile)) {
      // The first start of a deployment: the file appears with the first `gateway-passwd add`, and is picked up then.
      logger.warn({ passwordFile: config.passwordFile }, 'the password file does not exist yet: no user can log in until one is added with gateway-passwd add');
    }
    const acl =
      config.aclFile === undefined
        ? undefined
        : await watchConfigFile(config.aclFile, async (path) => createAclPolicy(await loadAclFile(path)), { what: 'ACL file', logger });
    if (acl) watched.push(acl);
    logger.info(
      {
        allowAnonymous: config.allowAnonymous,
        passwordFile: config.passwordFile,
        users: passwords?.current().usernames().length,
        aclFile: config.aclFile ?? 'none: every topic allowed, $SYS read-only',
      },
      'client access',
    );
    return {
      authentication: new ClientAuthentication({ allowAnonymous: config.allowAnonymous, passwords }),
      acl: acl ? () => acl.current() : () => allowAll,
      close: () => {
        for (const file of watched) file.close();
      },
    };
  } catch (error) {
    for (const file of watched) file.close();
    throw error;
  }
}
