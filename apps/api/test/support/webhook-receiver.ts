import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

/**
 * A webhook receiver on 127.0.0.1 for tests: it answers 200, a failure status, or never; it can go
 * down and come back on the same port. Every request is kept (delivered or not).
 */
export class WebhookReceiver {
  /** Every request it got, in order of arrival. */
  readonly requests: Received[] = [];
  /** What it answers: a status, or 'hang' (never answers). */
  answer: number | 'hang' = 200;
  /** Answers this status to the next N requests first, then `answer`. */
  failNext = 0;
  failStatus = 500;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  port = 0;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** The requests answered 2xx, in order. */
  get delivered(): Received[] {
    return this.requests.filter((request) => (request as Received & { status?: number }).status === 200);
  }

  /** Listens (again, on the same port after `down`). */
  async up(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Stops listening and drops every connection: the receiver is down. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const status = this.failNext > 0 ? this.failStatus : this.answer;
      if (this.failNext > 0) this.failNext -= 1;
      this.requests.push({
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        status,
      } as Received);
      if (status === 'hang') {
        this.hanging.add(res);
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'not now');
    });
  }
}
