/**
 * Webhook delivery speed: events delivered per second to a loopback receiver with 1 and 10 webhooks,
 * and the delay from append to receipt (p50, p99), beside the event store's own append rate in the
 * same run. The service runs in this process on the embedded default (a temp DATA_DIR); the
 * receivers in a child process, as on another machine.
 *
 * For each webhook count, timeline entries are written through the CommandBus (the write path every
 * mutation takes: load, decide, append) at BENCH_RATE per second (default 500) for BENCH_SECONDS
 * (default 10) to 500 incidents; the receiver answers 200 at once. Targets: delivery keeps up with
 * 500 appends/s with 10 webhooks, p99 delay under 200 ms. One JSON line on stdout.
 *
 * BENCH_SPLIT=1 runs the topology of production instead: this process writes with KB_ROLES=api, and
 * the projector process (`dist/apps/projector/src/main.js`, built first) applies the projections and
 * delivers, on the same DATA_DIR. Both are measured in one run by default (BENCH_SPLIT=0,1).
 */
import 'reflect-metadata';
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { ConsoleLogger, type INestApplication } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { Projector } from '@kb/read-models';
import { loadConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { incidentWrite } from '../apps/api/src/incidents/incident.write';
import { reportIncidentWrite } from '../apps/api/src/incidents/report-incident/report-incident.resolver';
import { CreateWebhookCommand } from '../apps/api/src/webhooks/create-webhook/create-webhook.command';
import { WebhookDispatcher } from '../apps/api/src/webhooks/delivery/webhook-dispatcher';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WEBHOOK_COUNTS = (process.env.BENCH_WEBHOOKS ?? '1,10').split(',').map(Number);
const SPLITS = (process.env.BENCH_SPLIT ?? '0,1').split(',').map((value) => value === '1');
const ROOT = join(__dirname, '..');
/** Incidents the timeline entries are spread over: short streams, as real incidents have. */
const INCIDENTS = 500;
const ADMIN = 'bench-webhooks-admin-secret-0123456789';
const caller = { actor: 'bench', correlationId: 'bench-webhooks' };
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Receipt {
  /** `<streamId>@<revision>`: what the append's outcome names too. */
  readonly key: string;
  readonly at: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/**
 * The receivers run in a process of their own, as they would on another machine: their HTTP work is
 * not counted as the service's. One server per webhook; receipt times are epoch milliseconds with
 * sub-millisecond precision (performance.timeOrigin + now), comparable across the two processes.
 */
const RECEIVER_SOURCE = `
const { createServer } = require('node:http');
const receipts = [];
const now = () => performance.timeOrigin + performance.now();
process.on('message', async (message) => {
  if (message.type === 'listen') {
    const urls = [];
    for (let i = 0; i < message.count; i++) {
      const got = [];
      receipts.push(got);
      const server = createServer((req, res) => {
        const chunks = [];
        req.on('data', (chunk) => chunks.push(chunk));
        req.on('end', () => {
          const at = now();
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          got.push([event.streamId + '@' + event.revision, at]);
          res.writeHead(200).end();
        });
      });
      server.keepAliveTimeout = 60000;
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      urls.push('http://127.0.0.1:' + server.address().port + '/hook');
    }
    process.send({ type: 'urls', urls });
  } else if (message.type === 'counts') {
    process.send({ type: 'counts', counts: receipts.map((got) => got.length) });
  } else if (message.type === 'report') {
    process.send({ type: 'report', receipts });
  }
});
`;

class Receivers {
  private readonly child: ChildProcess = fork('-e', [RECEIVER_SOURCE], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  private ask<T>(message: object, type: string): Promise<T> {
    return new Promise((resolve) => {
      const listener = (answer: { type: string } & T) => {
        if (answer.type !== type) return;
        this.child.off('message', listener);
        resolve(answer);
      };
      this.child.on('message', listener);
      this.child.send(message);
    });
  }

  async listen(count: number): Promise<string[]> {
    return (await this.ask<{ urls: string[] }>({ type: 'listen', count }, 'urls')).urls;
  }

  async counts(): Promise<number[]> {
    return (await this.ask<{ counts: number[] }>({ type: 'counts' }, 'counts')).counts;
  }

  async report(): Promise<Receipt[][]> {
    const { receipts } = await this.ask<{ receipts: [string, number][][] }>({ type: 'report' }, 'report');
    return receipts.map((got) => got.map(([key, at]) => ({ key, at })));
  }

  stop(): void {
    this.child.kill();
  }
}

/** Raw appends to the store, one event each, as fast as they go for `ms`: the reference rate. */
async function storeAppendRate(store: EventStore, ms: number): Promise<number> {
  const started = performance.now();
  let appended = 0;
  while (performance.now() - started < ms) {
    await store.appendToStream(`bench-raw-${appended % 50}`, [
      { id: crypto.randomUUID(), type: 'BenchEvent', data: { n: appended }, metadata: {} },
    ]);
    appended += 1;
  }
  return appended / ((performance.now() - started) / 1000);
}

/** The projector process (projections and delivery) on `dir`, for the split topology. */
async function startProjectorProcess(dir: string): Promise<ChildProcess> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.js')], { cwd: ROOT, stdio: 'inherit' });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // BENCH_NODE_ARGS: extra node flags for the projector process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/apps/projector/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: String(port), WEBHOOK_ALLOW_PRIVATE: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('The projector process did not answer /health within 60 s.');
}

async function run(webhooks: number, split: boolean): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-webhooks-'));
  let app: INestApplication | undefined;
  let projectorProcess: ChildProcess | undefined;
  const receivers = new Receivers();
  try {
    // The projector process first: the API's start waits for its bootstrap key to be projected.
    if (split) projectorProcess = await startProjectorProcess(dir);
    app = await createApp(
      loadConfig({
        DATA_DIR: dir,
        KB_BOOTSTRAP_API_KEY: ADMIN,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        ...(split ? { KB_ROLES: 'api' } : {}),
      }),
      { logger: new ConsoleLogger({ logLevels: ['warn', 'error'] }) },
    );
    await app.init();
    const bus = app.get(CommandBus);
    const projector = app.get(Projector);
    const store = app.get<EventStore>(EVENT_STORE);
    const storeAppendsPerSecond = await storeAppendRate(store, 2_000);

    for (const url of await receivers.listen(webhooks)) {
      const created = await bus.execute(
        new CreateWebhookCommand({ url, eventTypes: ['TimelineEntryAdded'] }, caller),
      );
      if (created.position) await projector.waitForPosition(created.position, 10_000);
    }
    await app.get(WebhookDispatcher).refresh();

    const incidents: string[] = [];
    for (let i = 0; i < INCIDENTS; i++) {
      const outcome = await bus.execute(
        reportIncidentWrite(
          {
            title: `Webhook benchmark incident ${i}`,
            kind: 'NEAR_MISS',
            severity: 'SEV4',
            services: ['bench'],
            detectionSource: 'MONITORING_ALERT',
            startedAt: new Date(Date.now() - 3_600_000).toISOString(),
          },
          caller,
        ),
      );
      incidents.push(outcome.entityId);
    }

    log(`${webhooks} webhook(s)${split ? ', split processes' : ''}: ${RATE} appends/s for ${SECONDS} s`);
    const appendedAt = new Map<string, number>();
    const total = RATE * SECONDS;
    const now = () => performance.timeOrigin + performance.now();
    const started = now();
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((now() - started) / 1000) * RATE));
      while (sent < due) {
        const n = sent++;
        const write = bus
          .execute(
            incidentWrite(
              {
                type: 'AddTimelineEntry',
                incidentId: incidents[n % incidents.length],
                at: new Date().toISOString(),
                text: `tick ${n}`,
              },
              caller,
              {},
            ),
          )
          .then((outcome) => {
            appendedAt.set(`incident-${outcome.entityId}@${outcome.revision}`, now());
          });
        inFlight.add(write);
        void write.finally(() => inFlight.delete(write));
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inFlight);
    const appendSeconds = (now() - started) / 1000;
    const deadline = now() + 30_000;
    while ((await receivers.counts()).some((count) => count < total) && now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const receipts = await receivers.report();
    const lastReceipt = Math.max(...receipts.map((got) => Math.max(...got.map((r) => r.at))));

    const delays = receipts
      .flat()
      .map((receipt) => receipt.at - (appendedAt.get(receipt.key) ?? NaN))
      .filter((delay) => Number.isFinite(delay))
      .sort((a, b) => a - b);
    const delivered = receipts.reduce((sum, got) => sum + new Set(got.map((r) => r.key)).size, 0);
    return {
      webhooks,
      topology: split ? 'api + projector process' : 'one process',
      storeAppendsPerSecond: Math.round(storeAppendsPerSecond),
      appendsPerSecond: Math.round(total / appendSeconds),
      deliveredPerSecond: Math.round(delivered / ((lastReceipt - started) / 1000)),
      delivered,
      expected: total * webhooks,
      delayP50Ms: Math.round(percentile(delays, 0.5) * 10) / 10,
      delayP99Ms: Math.round(percentile(delays, 0.99) * 10) / 10,
      delayMaxMs: Math.round(delays[delays.length - 1] ?? NaN),
    };
  } finally {
    await app?.close();
    if (projectorProcess && projectorProcess.exitCode === null) {
      const exited = new Promise((resolve) => projectorProcess?.once('exit', resolve));
      projectorProcess.kill('SIGTERM');
      await exited;
    }
    receivers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (const split of SPLITS) for (const count of WEBHOOK_COUNTS) results.push(await run(count, split));
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'webhooks', rate: RATE, seconds: SECONDS, results, targets: { keepsUpWith10At: 500, delayP99Ms: 200 } })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
