// The Node.js flags the proxy runs with, and the launchers' way to add them.
//
// A small young generation (1 MiB semi-spaces instead of V8's default of up to 16): what a proxy allocates
// per chunk is a Buffer's handle (the bytes live outside the heap) and a connection's few objects, all
// short-lived or small, so scavenges stay cheap. V8's default lets new space grow to 32 MiB during a burst
// of connections and keeps it committed afterwards: measured with 10,000 idle WebSocket connections through
// two workers, the proxy held 8.4 KiB per connection with the default and 3.4 KiB with 1 MiB; proxy CPU per
// message stayed within this machine's noise (fan-in over TCP, QoS 0 and 1; TLS not measured), see
// docs/performance.md, run 6. A V8 heap flag works only on the command line or in NODE_OPTIONS, so every way
// the proxy is started passes these: `pnpm start` on the command line, the Docker image in NODE_OPTIONS (so
// that a NODE_OPTIONS of the deployment's own replaces it), the benchmark, and the primary for its workers
// (proxy-workers.ts), which adds them only where neither its own command line nor NODE_OPTIONS sets them.
export const proxyNodeFlags: readonly string[] = ['--max-semi-space-size=1'];

/** A flag's name as V8 reads it: no value, `_` and `-` alike. */
const flagName = (argument: string): string => (argument.split('=')[0] ?? '').replaceAll('_', '-');

/**
 * `execArgv` followed by those of proxyNodeFlags that neither it nor `nodeOptions` (NODE_OPTIONS) set: a flag
 * given there, with any value, is the user's choice and is kept as it is.
 */
export function withProxyNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return [...execArgv, ...proxyNodeFlags.filter((flag) => !given.has(flagName(flag)))];
}
