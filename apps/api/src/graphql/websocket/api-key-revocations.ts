import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { API_KEY_STREAM_PREFIX, apiKeyStreamId } from '@kb/domain';
import { EVENT_STORE, StreamNotFoundError, type EventStore, type Subscription } from '@kb/event-store';
import { GOING_AWAY_CLOSE, LiveSockets, REVOKED_CLOSE } from './live-sockets';

const REVOKED = 'ApiKeyRevoked';

/**
 * Makes a revocation reach open sockets. It follows the event store (not the read model, and not this
 * process's own mutations: a key revoked through another API process counts the same) and closes
 * every socket of a revoked key with 4403 the moment its `ApiKeyRevoked` is stored; graphql-ws then
 * ends the socket's subscriptions.
 *
 * Closing is not the only guard: a subscription asks `isRevoked` before it delivers each event, from
 * the key's own stream, so nothing reaches a revoked key even in the instant before its socket closes.
 */
@Injectable()
export class ApiKeyRevocations implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly sockets = new LiveSockets();
  private subscription: Subscription | null = null;
  private following: Promise<void> | null = null;
  private readonly revoked = new Set<string>();
  private readonly logger = new Logger('ApiKeyRevocations');

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationBootstrap(): void {
    const subscription = this.store.subscribeToAll({
      fromPosition: 'end',
      filter: { streamPrefixes: [API_KEY_STREAM_PREFIX], eventTypes: [REVOKED] },
    });
    this.subscription = subscription;
    this.following = (async () => {
      for await (const message of subscription) {
        if (message.kind !== 'event' || message.event.type !== REVOKED) continue;
        const apiKeyId = message.event.streamId.slice(API_KEY_STREAM_PREFIX.length);
        this.revoked.add(apiKeyId);
        const closed = this.sockets.closeAllOf(apiKeyId, REVOKED_CLOSE);
        if (closed > 0) this.logger.log(`Closed ${closed} socket(s) of revoked API key ${apiKeyId}`);
      }
    })().catch((error: unknown) => {
      if (this.subscription === null) return; // closing down
      this.logger.error(
        `Stopped following revocations: ${error instanceof Error ? error.message : String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
    });
  }

  /** Whether the key is revoked now, as the event store says (exact; cached once seen revoked). */
  async isRevoked(apiKeyId: string): Promise<boolean> {
    if (this.revoked.has(apiKeyId)) return true;
    const [last] = await this.store
      .readStream(apiKeyStreamId(apiKeyId), { direction: 'backwards', fromRevision: 'end', maxCount: 1 })
      .catch((error: unknown) => {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      });
    // A revoked key stays revoked: its stream ends with ApiKeyRevoked.
    if (last?.type !== REVOKED) return false;
    this.revoked.add(apiKeyId);
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    this.sockets.closeAll(GOING_AWAY_CLOSE);
    await subscription?.close();
    await this.following;
  }
}
