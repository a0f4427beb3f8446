// Socket helpers shared by both listeners: tuning (no Nagle delay, TCP keep-alive, idle timeout) and a
// clean close (FIN first, drain what the peer still sends, destroy after a grace period).
import type { Socket } from 'node:net';

/** How long a socket may take to finish closing after end() before it is destroyed. */
export const closeGraceMs = 1000;
const keepAliveInitialDelayMs = 30_000;

/** No Nagle delay, TCP keep-alive probes, and `idleTimeoutMs` of inactivity before 'timeout' (0 = never). */
export function tuneSocket(socket: Socket, idleTimeoutMs = 0): void {
  socket.setNoDelay(true);
  socket.setKeepAlive(true, keepAliveInitialDelayMs);
  socket.setTimeout(idleTimeoutMs);
}

/**
 * Ends the socket (FIN) and destroys it if it has not closed after `graceMs`. A paused socket is resumed
 * first so unread bytes are drained: closing with unread data would make the kernel send a RST.
 */
export function closeGracefully(socket: Socket, graceMs = closeGraceMs): void {
  if (socket.destroyed) return;
  if (socket.isPaused() || !socket.readableFlowing) socket.resume();
  socket.end();
  const timer = setTimeout(() => socket.destroy(), graceMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** "address:port" of the peer, IPv4-mapped IPv6 addresses shown as plain IPv4. */
export function remoteAddress(socket: Socket): string {
  const address = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  return `${address}:${String(socket.remotePort ?? 0)}`;
}

/** The peer's IP address alone, as sent in X-Real-IP / X-Forwarded-For. */
export function remoteIp(socket: Socket): string {
  return (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}
