// What a refused CONNECT means to the dashboard: bad credentials or "not authorized" need the user to
// log in (retrying would only hammer the broker); other refusals (server unavailable, busy) are retried.

export interface ConnectRefusal {
  /** The CONNACK return code (MQTT 3.1.1) or reason code (MQTT 5). */
  readonly code: number;
  /** Why, in words for the login form. */
  readonly reason: string;
}

/** Bad user name or password / not authorized, in MQTT 3.1.1 (4, 5) and MQTT 5 (0x86, 0x87). */
const AUTH_CODES: ReadonlyMap<number, string> = new Map([
  [4, 'bad user name or password'],
  [5, 'not authorized'],
  [0x86, 'bad user name or password'],
  [0x87, 'not authorized'],
]);

export function isAuthRefusal(code: number): boolean {
  return AUTH_CODES.has(code);
}

/** The refusal as the login form shows it: the standard wording for the code, else the client's message. */
export function describeRefusal(code: number, message: string): ConnectRefusal {
  const known = AUTH_CODES.get(code);
  return { code, reason: known === undefined ? message : `The broker refused the connection: ${known} (CONNACK ${code}).` };
}
