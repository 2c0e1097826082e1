import type { WebSocket } from 'ws';

/** What one API key and one socket may hold open (ADR 0009). */
export const SOCKET_LIMITS = {
  /** Largest WebSocket message, before and after authentication; a larger one closes the socket (1009). */
  maxPayloadBytes: 64 * 1024,
  /** Open subscriptions on one socket. */
  subscriptionsPerSocket: 20,
  /** Open sockets of one API key, across the process. */
  socketsPerKey: 10,
} as const;

/**
 * How a graphql-ws connection without a valid API key is closed: 4401 Unauthorized with the
 * contract's code first in the reason (close reasons hold at most 123 bytes). graphql-ws's own
 * refusal, 4403 "Forbidden", would read as a role problem.
 */
export const UNAUTHENTICATED_CLOSE = {
  code: 4401,
  reason:
    'UNAUTHENTICATED: no valid API key; send connectionParams {"authorization": "Bearer <secret>"} with a key not revoked',
} as const;

/** The close of a socket whose key was revoked while it was open. */
export const REVOKED_CLOSE = {
  code: 4403,
  reason: 'FORBIDDEN: the API key of this connection was revoked; connect again with a valid key',
} as const;

/** The close of a socket over the per-key limit. */
export const TOO_MANY_SOCKETS_CLOSE = {
  code: 4429,
  reason: `Too many sockets: an API key may hold ${SOCKET_LIMITS.socketsPerKey} open; close one first`,
} as const;

/** The close of every socket when the service shuts down; a client that does not answer is cut after `waitMs`. */
export const GOING_AWAY_CLOSE = {
  code: 1001,
  reason: 'The service is shutting down; connect again (to another instance)',
  waitMs: 2_000,
} as const;

/** The open graphql-ws sockets of each API key, so a revocation can close them. */
export class LiveSockets {
  private readonly byKey = new Map<string, Set<WebSocket>>();

  /** Registers an authenticated socket; false when its key already holds the most it may. */
  add(apiKeyId: string, socket: WebSocket): boolean {
    let sockets = this.byKey.get(apiKeyId);
    if (!sockets) this.byKey.set(apiKeyId, (sockets = new Set()));
    if (sockets.has(socket)) return true;
    if (sockets.size >= SOCKET_LIMITS.socketsPerKey) return false;
    sockets.add(socket);
    return true;
  }

  remove(apiKeyId: string, socket: WebSocket): void {
    const sockets = this.byKey.get(apiKeyId);
    if (!sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) this.byKey.delete(apiKeyId);
  }

  countOf(apiKeyId: string): number {
    return this.byKey.get(apiKeyId)?.size ?? 0;
  }

  /** Closes every socket of the key (graphql-ws then ends its subscriptions); returns how many. */
  closeAllOf(apiKeyId: string, close: { code: number; reason: string }): number {
    const sockets = [...(this.byKey.get(apiKeyId) ?? [])];
    this.byKey.delete(apiKeyId);
    for (const socket of sockets) socket.close(close.code, close.reason);
    return sockets.length;
  }

  closeAll(close: { code: number; reason: string }): void {
    for (const apiKeyId of [...this.byKey.keys()]) this.closeAllOf(apiKeyId, close);
  }
}
