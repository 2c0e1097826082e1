// Receive the knowledge base's webhooks: verify each delivery's Standard Webhooks signature, answer at
// once, and handle each delivery id once (a retry or a redelivery carries the same webhook-id).
//   WEBHOOK_SECRET=whsec_... [PORT=8080] npx ts-node docs/examples/webhook-receiver.ts
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** The body of a delivery: the contract's RecordedEvent (docs/events.md lists every type and payload). */
export interface RecordedEvent {
  id: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  version: number;
  data: Record<string, unknown>;
  actor: string;
  correlationId: string | null;
  causationId: string | null;
  occurredAt: string;
  recordedAt: string;
}

export interface WebhookReceiverOptions {
  /** The secret createWebhook answered, once (`whsec_...`). */
  secret: string;
  port: number;
  host?: string;
  /** Called once per delivery, one at a time, in the order the deliveries arrived. */
  onEvent: (event: RecordedEvent, deliveryId: string) => void | Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<Server> {
  const webhook = new Webhook(options.secret);
  // Delivery ids handled. In production keep them where the effect of the event is kept, in the same
  // transaction (a unique key), so that a restart does not forget them.
  const handled = new Set<string>();
  let queue = Promise.resolve();

  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        let event: RecordedEvent;
        try {
          // Node gives each of these headers as one string; verify() also refuses a stale timestamp.
          event = webhook.verify(body, request.headers as Record<string, string>) as RecordedEvent;
        } catch {
          response.writeHead(400).end('invalid signature');
          return;
        }
        // Answer before the work: the service waits for the answer (10 s at most) before its next
        // delivery. In production, put the event on a durable queue before answering.
        response.writeHead(204).end();
        const deliveryId = request.headers['webhook-id'] as string;
        if (handled.has(deliveryId)) return;
        handled.add(deliveryId);
        queue = queue
          .then(() => options.onEvent(event, deliveryId))
          .catch((error: unknown) => console.error(`Delivery ${deliveryId} failed:`, error));
      },
      () => response.writeHead(413).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return server;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) throw new Error('Set WEBHOOK_SECRET to the secret createWebhook answered.');
  const port = Number(process.env.PORT ?? 8080);
  startWebhookReceiver({
    secret,
    port,
    onEvent: (event, deliveryId) => console.log(deliveryId, JSON.stringify(event)),
  }).then(
    () => console.log(`Listening on port ${port}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
