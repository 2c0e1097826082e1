import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GracefulShutdown, type ShutdownParts } from './graceful-shutdown';

/** A real HTTP server whose `/slow` answers when the test says so; the rest answer at once. */
async function serverWithSlowRoute() {
  let answerSlow!: () => void;
  const slowAnswered = new Promise<void>((resolve) => (answerSlow = resolve));
  const server = createServer((req, res) => {
    if (req.url === '/slow') void slowAnswered.then(() => res.end('slow done'));
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, answerSlow };
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Fake parts around a real server: what happened, in order. */
function partsOf(server: Server, closeApp: () => Promise<void> = () => Promise.resolve()) {
  const events: string[] = [];
  let exitedWith!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exitedWith = resolve));
  let begun = false;
  const parts: ShutdownParts = {
    server,
    begin: (signal) => {
      events.push(`begin ${signal}`);
      if (begun) return false;
      begun = true;
      return true;
    },
    closeWebSockets: () => {
      events.push('closeWebSockets');
      return Promise.resolve();
    },
    closeApp: () => {
      events.push('closeApp');
      return closeApp();
    },
    logger: {
      log: (message: string) => events.push(`log ${message}`),
      warn: (message: string) => events.push(`warn ${message}`),
      error: (message: string) => events.push(`error ${message}`),
    },
    exit: (code) => {
      events.push(`exit ${code}`);
      exitedWith(code);
    },
  };
  return { parts, events, exited };
}

describe('GracefulShutdown', () => {
  let server: Server;
  afterEach(() => server?.close());

  it('drains, stops taking connections, lets the request in flight finish, then closes and exits 0', async () => {
    const slow = await serverWithSlowRoute();
    server = slow.server;
    const { parts, events, exited } = partsOf(server);
    const shutdown = new GracefulShutdown(parts, { drainMs: 200, timeoutMs: 5_000 });

    const inFlight = get(slow.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the request has arrived
    void shutdown.onSignal('SIGTERM');
    expect(events[0]).toBe('begin SIGTERM');
    // Draining: still served as before.
    expect(await get(slow.port, '/fast')).toMatchObject({ status: 200, body: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the drain is over
    await expect(get(slow.port, '/fast')).rejects.toThrow(/ECONNREFUSED/);
    expect(events).not.toContain('closeApp'); // the slow request still runs
    slow.answerSlow();
    expect(await inFlight).toMatchObject({ status: 200, body: 'slow done' });
    expect(await exited).toBe(0);
    expect(events).toEqual([
      'begin SIGTERM',
      'log SIGTERM received: /health/ready now answers 503; serving on for 200 ms (SHUTDOWN_DRAIN_MS) so load balancers stop sending requests here.',
      'log Taking no new connections; waiting for 1 request(s) in flight to finish.',
      'log Requests done; closing the GraphQL WebSockets with 1001 (going away).',
      'closeWebSockets',
      expect.stringMatching(/^log Stopping the projections and webhook deliveries, closing the event store/),
      'closeApp',
      expect.stringMatching(/^log Shut down cleanly in \d+ ms\.$/),
      'exit 0',
    ]);
  });
  it('starts nothing on a second signal, and says the first goes on', async () => {
    const slow = await serverWithSlowRoute();
    server = slow.server;
    const { parts, events, exited } = partsOf(server);
    const shutdown = new GracefulShutdown(parts, { drainMs: 100, timeoutMs: 5_000 });
    void shutdown.onSignal('SIGTERM');
    void shutdown.onSignal('SIGTERM');
    void shutdown.onSignal('SIGINT');
    expect(await exited).toBe(0);
    expect(events.filter((event) => event === 'closeApp')).toHaveLength(1);
    expect(events.filter((event) => event.startsWith('warn'))).toEqual([
      expect.stringMatching(
        /^warn SIGTERM received again: the shutdown goes on \(draining\); the process exits within \d+ ms\.$/,
      ),
      expect.stringMatching(/^warn SIGINT received again: the shutdown goes on \(draining\)/),
    ]);
  });

  it('skips the drain on SIGINT (a person at a terminal)', async () => {
    const slow = await serverWithSlowRoute();
    server = slow.server;
    const { parts, events, exited } = partsOf(server);
    const shutdown = new GracefulShutdown(parts, { drainMs: 60_000, timeoutMs: 120_000 });
    void shutdown.onSignal('SIGINT');
    expect(await exited).toBe(0);
    expect(events[1]).toBe(
      'log SIGINT received: /health/ready now answers 503; stopping now (SIGINT skips the drain).',
    );
  });

  it('exits 1 once SHUTDOWN_TIMEOUT_MS has passed, saying what was still open', async () => {
    const slow = await serverWithSlowRoute();
    server = slow.server;
    const never = new Promise<void>(() => undefined);
    const { parts, events, exited } = partsOf(server, () => never);
    const shutdown = new GracefulShutdown(parts, { drainMs: 0, timeoutMs: 1_000 });
    const started = Date.now();
    void shutdown.onSignal('SIGTERM');
    expect(await exited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(events.at(-2)).toBe(
      'error The shutdown did not finish within 1000 ms (SHUTDOWN_TIMEOUT_MS); still open: closing the application (HTTP connections, projections, webhook deliveries, event store, read-model database), 0 request(s) in flight, 0 connection(s) (HTTP and WebSocket). Exiting anyway, with code 1.',
    );
  });

  it('names a request still in flight at the deadline', async () => {
    const slow = await serverWithSlowRoute();
    server = slow.server;
    const { parts, events, exited } = partsOf(server);
    const shutdown = new GracefulShutdown(parts, { drainMs: 0, timeoutMs: 1_000 });
    const inFlight = get(slow.port, '/slow').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    void shutdown.onSignal('SIGTERM');
    expect(await exited).toBe(1);
    expect(events.at(-2)).toContain(
      'still open: finishing the requests in flight, 1 request(s) in flight, 1 connection(s)',
    );
    slow.answerSlow();
    await inFlight;
  });
});
