// Socket helpers shared by both listeners: tuning (no Nagle delay, TCP keep-alive, idle timeout) and a
// clean close (FIN first, drain what the peer still sends, destroy after a grace period).
import type { Socket } from 'node:net';

/** How long a socket may take to finish closing after end() before it is destroyed. */
export const closeGraceMs = 1000;
/** How long the bytes written before end() may take to reach a slow peer before the socket is destroyed anyway. */
export const closeFlushTimeoutMs = 30_000;
const keepAliveInitialDelayMs = 30_000;

/** No Nagle delay, TCP keep-alive probes, and `idleTimeoutMs` of inactivity before 'timeout' (0 = never). */
export function tuneSocket(socket: Socket, idleTimeoutMs = 0): void {
  socket.setNoDelay(true);
  socket.setKeepAlive(true, keepAliveInitialDelayMs);
  socket.setTimeout(idleTimeoutMs);
}

/**
 * Ends the socket (FIN) and destroys it if it has not closed `graceMs` after everything written to it was
 * handed to the kernel, or `flushTimeoutMs` after end() when the peer reads too little for that to happen.
 * Bytes queued before the FIN are never dropped while the peer is still reading (a broker busy for a moment
 * after a client's last publish and FIN gets them all). A paused socket is resumed first so unread bytes
 * are drained: closing with unread data would make the kernel send a RST.
 */
export function closeGracefully(socket: Socket, graceMs = closeGraceMs, flushTimeoutMs = Math.max(graceMs, closeFlushTimeoutMs)): void {
  if (socket.destroyed) return;
  if (socket.isPaused() || !socket.readableFlowing) socket.resume();
  socket.end();
  const destroy = () => socket.destroy();
  let timer = setTimeout(destroy, socket.writableFinished ? graceMs : flushTimeoutMs);
  timer.unref();
  if (!socket.writableFinished) {
    socket.once('finish', () => {
      clearTimeout(timer);
      timer = setTimeout(destroy, graceMs);
      timer.unref();
    });
  }
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
