// Two tiny Node.js programs run inside the network namespaces with `ip netns exec ... node -e`:
// a TCP listener that greets every connection with the port it came in on, and a probe that
// connects to a list of addresses at once and reports, as JSON, which ones answered.

/**
 * Listens on every port given as an argument, on `::` (IPv4 and IPv6), and writes
 * `gateway:<port>\n` to each connection. Prints `listening` once all ports are bound; exits when
 * its stdin closes, so it never outlives the test process.
 */
export const LISTENER_PROGRAM = String.raw`
const net = require('node:net');
const ports = process.argv.slice(1).map(Number);
let bound = 0;
for (const port of ports) {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end('gateway:' + port + '\n');
  });
  server.on('error', (error) => {
    console.error('listener on port ' + port + ': ' + error.message);
    process.exit(1);
  });
  server.listen({ port, host: '::', ipv6Only: false }, () => {
    bound += 1;
    if (bound === ports.length) console.log('listening ' + ports.join(' '));
  });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`;

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
}

export interface ProbeResult extends ProbeTarget {
  /** True when the connection opened and the listener's greeting arrived. */
  readonly connected: boolean;
  /** The greeting (`gateway:<port>`), or '' */
  readonly greeting: string;
  /** Why it failed: ECONNREFUSED (rejected with a reset), ETIMEDOUT (dropped), ... */
  readonly error?: string;
}

/**
 * Arguments: a JSON array of {host, port} and a timeout in milliseconds. Prints a JSON array of
 * ProbeResult in the same order.
 */
export const PROBE_PROGRAM = String.raw`
const net = require('node:net');
const targets = JSON.parse(process.argv[1]);
const timeoutMs = Number(process.argv[2]);
const probe = ({ host, port }) => new Promise((resolve) => {
  let greeting = '';
  let done = false;
  const finish = (connected, error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    const result = { host, port, connected, greeting: greeting.trim() };
    if (error) result.error = error;
    resolve(result);
  };
  const socket = net.connect({ host, port });
  const timer = setTimeout(() => finish(false, greeting === '' ? 'ETIMEDOUT' : undefined), timeoutMs);
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => { greeting += chunk; });
  socket.on('end', () => finish(greeting !== '', greeting === '' ? 'no greeting' : undefined));
  socket.on('error', (error) => finish(false, error.code || error.message));
});
Promise.all(targets.map(probe)).then((results) => console.log(JSON.stringify(results)));
`;
