// The client sockets a listener has accepted and not yet closed, so that shutting down can close them.
import type { Socket } from 'node:net';
import { closeGraceMs, closeGracefully } from './sockets.js';

export class OpenConnections {
  private readonly sockets = new Set<Socket>();

  get size(): number {
    return this.sockets.size;
  }

  /** Tracks `socket` until delete(): whoever adds a socket deletes it when it closes. */
  add(socket: Socket): void {
    this.sockets.add(socket);
  }

  delete(socket: Socket): void {
    this.sockets.delete(socket);
  }

  /** Closes every tracked socket cleanly (end, destroy after the grace period, which also bounds the flush: shutting down must not wait on a peer that does not read). */
  closeAll(graceMs = closeGraceMs): void {
    for (const socket of this.sockets) closeGracefully(socket, graceMs, graceMs);
  }
}
