// What makes a valid user name, shared by the password file, the ACL file and the CLI.

/** An MQTT string holds at most 65,535 bytes of UTF-8. */
export const MAX_USERNAME_BYTES = 65_535;

/** The name in quotes, cut short if long, for messages. */
function quoted(username: string): string {
  return JSON.stringify(username.length > 40 ? `${username.slice(0, 40)}…` : username);
}

/**
 * Why `username` cannot be used, or undefined when it can: it must be non-empty, without `:` (the
 * password file's separator), whitespace or control characters, well-formed, and at most 65,535 bytes.
 */
export function usernameProblem(username: string): string | undefined {
  if (username.length === 0) return 'the user name is empty';
  if (username.includes(':')) return `the user name ${quoted(username)} contains ':'`;
  if (/[\s\p{Cc}]/u.test(username)) return `the user name ${quoted(username)} contains whitespace or a control character`;
  if (/\p{Cs}/u.test(username)) return `the user name ${quoted(username)} is not well-formed Unicode`;
  if (Buffer.byteLength(username, 'utf8') > MAX_USERNAME_BYTES) return `the user name is longer than ${MAX_USERNAME_BYTES} bytes of UTF-8`;
  return undefined;
}

/** Throws an Error saying why, unless `username` is valid. */
export function assertValidUsername(username: string): void {
  const problem = usernameProblem(username);
  if (problem !== undefined) throw new Error(problem);
}
