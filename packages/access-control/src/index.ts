// Users, salted scrypt password files and Mosquitto-style ACL rules: who may connect, publish,
// subscribe and receive. The gateway-passwd CLI (src/passwd-cli.ts) edits the password files.
export { AccessFileError } from './access-file-error.js';
export { allowAll, isSysTopic, type AccessClient, type AccessPolicy } from './access-policy.js';
export { loadAclFile, parseAclFile, type AclAccess, type AclRule, type AclRules } from './acl-file.js';
export { createAclPolicy } from './acl-policy.js';
export { PasswordFile, type PasswordFileOptions } from './password-file.js';
export { runPasswd, type PasswdIo, type PasswdOptions } from './passwd-command.js';
export {
  DEFAULT_SCRYPT_PARAMS,
  formatScryptHash,
  hashPassword,
  parseScryptHash,
  verifyScryptHash,
  type ScryptHash,
  type ScryptParams,
} from './scrypt-hash.js';
export { MAX_USERNAME_BYTES, assertValidUsername, usernameProblem } from './username.js';
