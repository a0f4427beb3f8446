// The Node.js flags the broker runs with: `pnpm start`, the container image's CMD and the bench all pass
// these (node-flags.test.ts checks that the first two say the same as this list).
//
// --max-semi-space-size=32: V8's young generation may grow to 2 x 32 MiB instead of 2 x 16 MiB. Every
// message the broker handles leaves short-lived buffers and objects behind (frames, packets, deliveries);
// with the larger nursery fewer of them live long enough to be copied, and scavenges run half as often.
// Measured in A/B runs of one broker build with and without it (docs/performance.md, run 5): CPU per
// message 0.86-0.92x over WebSocket, 0.88x over TCP, lower p99. The cost is memory after a burst: up to
// 32 MiB more resident until V8's memory reducer shrinks the young generation again when the broker goes
// quiet. A small device can start the broker without it (see the README).
export const brokerNodeFlags: readonly string[] = ['--max-semi-space-size=32'];
