import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Logger, type INestApplication } from '@nestjs/common';
import { GraphQLWsServer } from '../graphql/websocket/graphql-ws.server';
import { ShutdownState } from '../health/shutdown-state';

export interface ShutdownSettings {
  /** SHUTDOWN_DRAIN_MS: after SIGTERM, how long the service serves on while readiness says 503. */
  readonly drainMs: number;
  /** SHUTDOWN_TIMEOUT_MS: from the signal to the exit, whatever is still open by then. */
  readonly timeoutMs: number;
}

/** What the shutdown works on; `installGracefulShutdown` gives the real ones, unit tests their own. */
export interface ShutdownParts {
  readonly server: Server;
  /** Turns readiness to 503; false when a shutdown had already begun. */
  begin(signal: string): boolean;
  /** Closes the GraphQL WebSockets with 1001 (going away). */
  closeWebSockets(): Promise<void>;
  /** Nest's close: HTTP server, projections, webhooks, event store, read database. */
  closeApp(): Promise<void>;
  readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  exit(code: number): void;
}

/**
 * The order in which the service stops on SIGTERM or SIGINT (docs/operations/health-and-shutdown.md):
 * 1. readiness answers 503 at once, everything else is served as before, for SHUTDOWN_DRAIN_MS
 *    (load balancers need a few probes to take the instance out; SIGINT, a person at a terminal,
 *    skips the drain);
 * 2. the server stops taking connections; requests in flight finish (and their commands, whose
 *    events are committed before they are answered), each answered with `Connection: close`;
 * 3. graphql-ws sockets get 1001 (going away); then Nest closes the application: the projections
 *    stop (their locks released), webhook deliveries stop, the event store commits what it has
 *    queued and closes, the read-model database closes;
 * 4. the process exits 0. If SHUTDOWN_TIMEOUT_MS (counted from the signal) passes first, it logs what
 *    was still open and exits 1. A second signal starts nothing.
 */
export class GracefulShutdown {
  private stage = 'running';
  private startedAt = 0;
  private inFlight = 0;
  private readonly connections = new Set<Socket>();
  private stopping = false;
  private requestsDone: (() => void) | undefined;

  constructor(
    private readonly parts: ShutdownParts,
    private readonly settings: ShutdownSettings,
    private readonly now: () => number = Date.now,
  ) {
    // First among the listeners, so a request that arrives while stopping gets `Connection: close`.
    parts.server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) =>
      this.track(response),
    );
    parts.server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  /** Handles SIGTERM or SIGINT: starts the shutdown, or says that it is already under way. */
  async onSignal(signal: string): Promise<void> {
    if (!this.parts.begin(signal)) {
      const left = Math.max(0, this.settings.timeoutMs - (this.now() - this.startedAt));
      this.parts.logger.warn(
        `${signal} received again: the shutdown goes on (${this.stage}); the process exits within ${left} ms.`,
      );
      return;
    }
    this.startedAt = this.now();
    const deadline = setTimeout(() => this.timedOut(), this.settings.timeoutMs);
    try {
      await this.shutDown(signal);
      clearTimeout(deadline);
      this.parts.logger.log(`Shut down cleanly in ${this.now() - this.startedAt} ms.`);
      this.parts.exit(0);
    } catch (error) {
      clearTimeout(deadline);
      this.parts.logger.error(
        `The shutdown failed (${this.stage}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      this.parts.exit(1);
    }
  }

  private async shutDown(signal: string): Promise<void> {
    const drainMs = signal === 'SIGINT' ? 0 : this.settings.drainMs;
    this.parts.logger.log(
      drainMs > 0
        ? `${signal} received: /health/ready now answers 503; serving on for ${drainMs} ms (SHUTDOWN_DRAIN_MS) so load balancers stop sending requests here.`
        : `${signal} received: /health/ready now answers 503; stopping now (${signal === 'SIGINT' ? 'SIGINT skips the drain' : 'SHUTDOWN_DRAIN_MS is 0'}).`,
    );
    this.stage = 'draining';
    await new Promise((resolve) => setTimeout(resolve, drainMs));

    this.stage = 'finishing the requests in flight';
    this.stopping = true;
    this.parts.logger.log(
      `Taking no new connections; waiting for ${this.inFlight} request(s) in flight to finish.`,
    );
    this.parts.server.close(); // its callback waits for every connection: Nest's close waits for it
    this.parts.server.closeIdleConnections();
    await this.allRequestsDone();
    // Connections kept alive by requests that ended meanwhile: nothing more comes on them.
    this.parts.server.closeIdleConnections();

    this.stage = 'closing the WebSockets';
    this.parts.logger.log('Requests done; closing the GraphQL WebSockets with 1001 (going away).');
    await this.parts.closeWebSockets();

    this.stage =
      'closing the application (HTTP connections, projections, webhook deliveries, event store, read-model database)';
    this.parts.logger.log(
      'Stopping the projections and webhook deliveries, closing the event store (committing what it has queued) and the read-model database.',
    );
    await this.parts.closeApp();
  }

  private track(response: ServerResponse): void {
    this.inFlight += 1;
    if (this.stopping && !response.headersSent) response.setHeader('connection', 'close');
    response.once('close', () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.requestsDone?.();
    });
  }

  private allRequestsDone(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.requestsDone = resolve));
  }

  private timedOut(): void {
    this.parts.logger.error(
      `The shutdown did not finish within ${this.settings.timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); still open: ${this.stage}, ${this.inFlight} request(s) in flight, ${this.connections.size} connection(s) (HTTP and WebSocket). Exiting anyway, with code 1.`,
    );
    this.parts.exit(1);
  }
}

/**
 * Stops the service in order on SIGTERM and SIGINT (see GracefulShutdown), instead of Nest's
 * `enableShutdownHooks`, which closes the server at once and ends the process by the signal (no
 * drain, no bound, exit status 143).
 */
export function installGracefulShutdown(
  app: INestApplication,
  settings: ShutdownSettings,
  /** Whether the app serves GraphQL (KB_ROLES has `api`): only then are there WebSockets to close. */
  servesGraphQL = true,
): GracefulShutdown {
  const state = app.get(ShutdownState, { strict: false });
  // Asked only when there: Nest's app.get ends the process on a missing provider (abortOnError).
  const webSockets = servesGraphQL ? app.get(GraphQLWsServer, { strict: false }) : undefined;
  const shutdown = new GracefulShutdown(
    {
      server: app.getHttpServer() as Server,
      begin: (signal) => state.begin(signal),
      closeWebSockets: async () => webSockets?.goingAway(),
      closeApp: () => app.close(),
      logger: new Logger('Shutdown'),
      exit: (code) => process.exit(code),
    },
    settings,
  );
  for (const signal of ['SIGTERM', 'SIGINT'])
    process.on(signal, (received: NodeJS.Signals) => void shutdown.onSignal(received));
  return shutdown;
}
