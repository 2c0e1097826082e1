import { execFileSync } from 'node:child_process';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import {
  getDefaultAutoSelectFamily,
  setDefaultAutoSelectFamily,
  type AddressInfo,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generateWebhookSecret } from '../webhook-secret';
import {
  WebhookHttpClient,
  WEBHOOK_USER_AGENT,
  type AttemptRequest,
  type Resolver,
} from './webhook-http-client';
import { signedHeaders } from './webhook-signature';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  servername?: string;
}

/** A receiver on 127.0.0.1 that records what reaches it: connections and requests. */
class Receiver {
  readonly requests: Received[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();

  readonly server: http.Server | https.Server;

  private constructor(
    answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
    tls?: { key: Buffer; cert: Buffer },
  ) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          servername: (req.socket as Partial<TLSSocket>).servername || undefined,
        });
        answer(req, res);
      });
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    this.server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(
    answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
    tls?: { key: Buffer; cert: Buffer },
  ): Promise<Receiver> {
    const receiver = new Receiver(answer, tls);
    await new Promise<void>((done) => receiver.server.listen(0, '127.0.0.1', done));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(host = '127.0.0.1', path = '/hooks/kb?team=sre'): string {
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    return `${scheme}://${host}:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** dns.lookup, counting its calls, or answering `fixed` instead of the real DNS. */
function countingResolver(fixed?: LookupAddress[] | NodeJS.ErrnoException): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve: Resolver = (hostname, options, callback) => {
    calls.push(hostname);
    if (fixed === undefined) dnsLookup(hostname, options, callback);
    else if (Array.isArray(fixed)) setImmediate(() => callback(null, fixed));
    else setImmediate(() => callback(fixed, []));
  };
  return Object.assign(resolve, { calls });
}

const BODY = JSON.stringify({ type: 'IncidentReported', data: { title: 'Checkout down – ümlaut' } });
const SECRET = generateWebhookSecret();

describe('WebhookHttpClient (real HTTP on 127.0.0.1)', () => {
  jest.setTimeout(20_000);
  const receivers: Receiver[] = [];
  const clients: WebhookHttpClient[] = [];

  const receiver = async (answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
    const started = await Receiver.start(answer);
    receivers.push(started);
    return started;
  };
  const client = (options: ConstructorParameters<typeof WebhookHttpClient>[0] = {}) => {
    const made = new WebhookHttpClient(options);
    clients.push(made);
    return made;
  };
  const attempt = (url: string, overrides: Partial<AttemptRequest> = {}): AttemptRequest => ({
    url,
    body: BODY,
    headers: signedHeaders({ deliveryId: 'delivery-1', timestamp: new Date(), body: BODY, secret: SECRET }),
    timeoutMs: 5_000,
    allowPrivate: true,
    ...overrides,
  });
  const answering =
    (status: number, body = '', headers: http.OutgoingHttpHeaders = {}) =>
    (_: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(status, headers);
      res.end(body);
    };
  const hanging = () => undefined;

  afterEach(async () => {
    for (const made of clients.splice(0)) made.close();
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });

  it('delivers on 200: a JSON POST with the signature headers and the body as signed', async () => {
    const target = await receiver(answering(200, 'ok'));
    const request = attempt(target.url());
    const result = await client().send(request);
    expect(result).toEqual({ delivered: true, statusCode: 200, latencyMs: expect.any(Number), error: null });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(target.requests).toHaveLength(1);
    const [received] = target.requests;
    expect(received).toMatchObject({ method: 'POST', url: '/hooks/kb?team=sre', body: BODY });
    expect(received.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(BODY)),
      'user-agent': WEBHOOK_USER_AGENT,
      ...request.headers,
    });
  });

  it('delivers on 204', async () => {
    const target = await receiver(answering(204));
    expect(await client().send(attempt(target.url()))).toMatchObject({
      delivered: true,
      statusCode: 204,
      error: null,
    });
  });

  it('fails on 500, keeping at most 1 KB of a 5 KB answer, and nothing of the headers', async () => {
    const target = await receiver(answering(500, `${'x'.repeat(1020)}é${'y'.repeat(4000)}`));
    const request = attempt(target.url());
    const result = await client().send(request);
    expect(result).toMatchObject({ delivered: false, statusCode: 500 });
    expect(result.error).toBe(`HTTP 500: ${'x'.repeat(1020)}é${'y'.repeat(2)}`);
    expect(Buffer.byteLength(result.error!.slice('HTTP 500: '.length))).toBeLessThanOrEqual(1024);
    expect(result.error).not.toContain(request.headers['webhook-signature']);
    expect(result.error).not.toContain(SECRET);
  });

  it('fails on 400 with a short answer on one line, and on 404 without an answer', async () => {
    const target = await receiver((req, res) =>
      req.url?.startsWith('/bad')
        ? answering(400, '{"error":\n"bad signature"}\n')(req, res)
        : answering(404)(req, res),
    );
    const send = client();
    expect((await send.send(attempt(target.url('127.0.0.1', '/bad')))).error).toBe(
      'HTTP 400: {"error": "bad signature"}',
    );
    expect(await send.send(attempt(target.url('127.0.0.1', '/gone')))).toMatchObject({
      delivered: false,
      statusCode: 404,
      error: 'HTTP 404',
    });
  });

  it('times out when the receiver never answers', async () => {
    const target = await receiver(hanging);
    const result = await client().send(attempt(target.url(), { timeoutMs: 300 }));
    expect(result).toMatchObject({ delivered: false, statusCode: null, error: 'timed out after 0.3 s' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(3_000);
    expect(target.requests).toHaveLength(1);
  });

  it('times out when the receiver sends its status but drags out its answer', async () => {
    const target = await receiver((_, res) => {
      res.writeHead(503);
      res.write('busy');
    });
    const result = await client().send(attempt(target.url(), { timeoutMs: 300 }));
    expect(result).toMatchObject({ delivered: false, statusCode: 503, error: 'HTTP 503: busy' });
  });

  it('does not follow a redirect: the Location never gets a request', async () => {
    const elsewhere = await receiver(answering(200));
    const target = await receiver(answering(302, '', { location: elsewhere.url() }));
    const result = await client().send(attempt(target.url()));
    expect(result).toMatchObject({
      delivered: false,
      statusCode: 302,
      error: 'redirect (HTTP 302) not followed',
    });
    expect(target.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.connections).toBe(0);
  });

  it('says the connection was refused by a port nobody listens on', async () => {
    const closed = await receiver(answering(200));
    const { port } = closed;
    const url = closed.url();
    await closed.stop();
    receivers.splice(receivers.indexOf(closed), 1);
    expect(await client().send(attempt(url))).toMatchObject({
      delivered: false,
      statusCode: null,
      error: `connection refused by 127.0.0.1:${port}`,
    });
  });

  describe('with WEBHOOK_ALLOW_PRIVATE=false', () => {
    const strict = { allowPrivate: false };

    it('refuses 127.0.0.1 and localhost: no request reaches the receiver', async () => {
      const target = await receiver(answering(200));
      const resolve = countingResolver();
      const send = client({ resolve });
      for (const url of [target.url('127.0.0.1'), target.url('[::ffff:127.0.0.1]')])
        expect(await send.send(attempt(url.replace('http:', 'https:'), strict))).toMatchObject({
          delivered: false,
          statusCode: null,
          error: expect.stringMatching(
            /^refused: (127\.0\.0\.1|::ffff:7f00:1) is (IPv4-mapped, )?loopback \(127\.0\.0\.0\/8\); only WEBHOOK_ALLOW_PRIVATE=true allows it$/,
          ),
        });
      expect(resolve.calls).toEqual([]); // an IP literal is checked as it is, without DNS
      const byName = await send.send(attempt(target.url('localhost').replace('http:', 'https:'), strict));
      expect(byName.error).toMatch(
        /^refused: localhost \((127\.0\.0\.1|::1)\) is loopback \((127\.0\.0\.0\/8|::1)\); only WEBHOOK_ALLOW_PRIVATE=true allows it$/,
      );
      expect(resolve.calls).toEqual(['localhost']);
      expect(target.connections).toBe(0);
      expect(target.requests).toHaveLength(0);
    });

    it('refuses plain http:// before any lookup', async () => {
      const target = await receiver(answering(200));
      const resolve = countingResolver();
      expect(await client({ resolve }).send(attempt(target.url('localhost'), strict))).toMatchObject({
        delivered: false,
        statusCode: null,
        error: 'refused: plain http:// (only WEBHOOK_ALLOW_PRIVATE=true allows it)',
      });
      expect(resolve.calls).toEqual([]);
      expect(target.connections).toBe(0);
    });

    it.each([
      [[{ address: '10.0.0.5', family: 4 }], 'hooks.example.test (10.0.0.5) is private (10.0.0.0/8)'],
      [
        [{ address: '169.254.169.254', family: 4 }],
        'hooks.example.test (169.254.169.254) is the cloud metadata address (169.254.169.254)',
      ],
      [
        [
          { address: '93.184.216.34', family: 4 },
          { address: 'fd00::1', family: 6 },
        ],
        'hooks.example.test (fd00::1) is unique-local (fc00::/7)',
      ],
    ])('refuses a name that resolves to %j', async (addresses, reason) => {
      const resolve = countingResolver(addresses);
      expect(await client({ resolve }).send(attempt('https://hooks.example.test/kb', strict))).toMatchObject({
        delivered: false,
        statusCode: null,
        error: `refused: ${reason}; only WEBHOOK_ALLOW_PRIVATE=true allows it`,
      });
      expect(resolve.calls).toEqual(['hooks.example.test']);
    });

    it('says when a name is not found', async () => {
      const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      expect(
        await client({ resolve: countingResolver(notFound) }).send(
          attempt('https://nowhere.invalid/', strict),
        ),
      ).toMatchObject({ delivered: false, statusCode: null, error: 'nowhere.invalid is not found (DNS)' });
    });
  });

  describe('with WEBHOOK_ALLOW_PRIVATE=true', () => {
    it('delivers to 127.0.0.1 and localhost', async () => {
      const target = await receiver(answering(200));
      const send = client();
      expect((await send.send(attempt(target.url('127.0.0.1')))).delivered).toBe(true);
      expect((await send.send(attempt(target.url('localhost')))).delivered).toBe(true);
      expect(target.requests).toHaveLength(2);
    });

    it('connects to the address its one lookup checked, with the name as Host', async () => {
      const target = await receiver(answering(200));
      const resolve = countingResolver([{ address: '127.0.0.1', family: 4 }]);
      const result = await client({ resolve }).send(attempt(target.url('hooks.example.test')));
      expect(result.delivered).toBe(true);
      expect(resolve.calls).toEqual(['hooks.example.test']);
      expect(target.requests[0].headers.host).toBe(`hooks.example.test:${target.port}`);
    });
  });

  it('looks the name up once per new connection, and keeps connections for the next attempts', async () => {
    const target = await receiver(answering(200));
    const resolve = countingResolver();
    const send = client({ resolve });
    for (let i = 0; i < 3; i += 1)
      expect((await send.send(attempt(target.url('localhost')))).delivered).toBe(true);
    expect(target.connections).toBe(1);
    expect(resolve.calls).toHaveLength(1);

    const results = await Promise.all(
      Array.from({ length: 5 }, () => send.send(attempt(target.url('localhost')))),
    );
    expect(results.every((r) => r.delivered)).toBe(true);
    expect(target.requests).toHaveLength(8);
    expect(target.connections).toBeGreaterThan(1);
    expect(resolve.calls).toHaveLength(target.connections);
  });

  it('keeps a connection past the timeout of the attempt that opened it', async () => {
    const target = await receiver(answering(204));
    const send = client();
    expect((await send.send(attempt(target.url(), { timeoutMs: 150 }))).delivered).toBe(true);
    await new Promise((done) => setTimeout(done, 300));
    expect((await send.send(attempt(target.url(), { timeoutMs: 150 }))).delivered).toBe(true);
    expect(target.connections).toBe(1);
  });

  it('answers a lookup that wants one address as well as one that wants them all', async () => {
    const target = await receiver(answering(200));
    const resolve = countingResolver();
    const autoSelectFamily = getDefaultAutoSelectFamily();
    try {
      // Node 20 tries every address (lookup with all: true) unless this is off: then it wants one.
      for (const tryEvery of [false, true]) {
        setDefaultAutoSelectFamily(tryEvery);
        const send = client({ resolve });
        expect((await send.send(attempt(target.url('localhost')))).delivered).toBe(true);
        expect(
          (
            await send.send(
              attempt(target.url('localhost').replace('http:', 'https:'), { allowPrivate: false }),
            )
          ).error,
        ).toMatch(/^refused: localhost \(/);
      }
    } finally {
      setDefaultAutoSelectFamily(autoSelectFamily);
    }
    expect(target.requests).toHaveLength(2);
    expect(resolve.calls).toEqual(['localhost', 'localhost', 'localhost', 'localhost']);
  });

  it('opens a new connection after a cut answer, which may not be reused', async () => {
    const target = await receiver(answering(500, 'z'.repeat(5000)));
    const send = client();
    await send.send(attempt(target.url()));
    await send.send(attempt(target.url()));
    expect(target.connections).toBe(2);
  });

  it('stops an attempt when its signal aborts, and never starts one already aborted', async () => {
    const target = await receiver(hanging);
    const controller = new AbortController();
    const pending = client().send(attempt(target.url(), { signal: controller.signal }));
    await new Promise((done) => setTimeout(done, 100));
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ delivered: false, statusCode: null, error: 'aborted' });
    expect(result.latencyMs).toBeLessThan(3_000);

    const before = target.connections;
    expect(await client().send(attempt(target.url(), { signal: controller.signal }))).toMatchObject({
      delivered: false,
      error: 'aborted',
    });
    expect(target.connections).toBe(before);
  });

  it('refuses a URL that is not http(s) or holds credentials, without echoing it', async () => {
    const send = client();
    expect((await send.send(attempt('ftp://hooks.example.test/'))).error).toBe(
      'refused: not an https:// URL',
    );
    const withPassword = await send.send(attempt('https://ops:Hunter2@hooks.example.test/'));
    expect(withPassword.error).toBe('refused: the URL holds credentials');
    expect((await send.send(attempt('not a url'))).error).toBe('not an absolute URL');
  });

  describeWithOpenSsl('over TLS', (tls) => {
    const secureReceiver = async () => {
      const started = await Receiver.start(answering(200), tls());
      receivers.push(started);
      return started;
    };

    it('verifies the certificate for the host name, which is the SNI name, though it connects to the checked address', async () => {
      const target = await secureReceiver();
      const resolve = countingResolver();
      const result = await client({ resolve, ca: tls().cert }).send(attempt(target.url('localhost')));
      expect(result).toMatchObject({ delivered: true, statusCode: 200 });
      expect(target.requests[0].servername).toBe('localhost');
      expect(resolve.calls).toEqual(['localhost']);
    });

    it('refuses a certificate that is not for the host, or not trusted', async () => {
      const target = await secureReceiver();
      expect((await client({ ca: tls().cert }).send(attempt(target.url('127.0.0.1')))).error).toBe(
        `TLS: the certificate of 127.0.0.1:${target.port} is not for 127.0.0.1`,
      );
      expect((await client().send(attempt(target.url('localhost')))).error).toMatch(
        new RegExp(`^TLS: the certificate of localhost:${target.port} is not trusted \\(`),
      );
      expect(target.requests).toHaveLength(0);
    });
  });
});

/**
 * Runs `suite` with a self-signed certificate for `localhost`, made by the `openssl` command; without
 * it, the suite is skipped and says why in its title.
 */
function describeWithOpenSsl(name: string, suite: (tls: () => { key: Buffer; cert: Buffer }) => void): void {
  let available = true;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    available = false;
  }
  if (!available) {
    describe.skip(`${name} (skipped: no openssl command to make a certificate)`, () =>
      suite(() => ({}) as never));
    return;
  }
  describe(name, () => {
    let material: { key: Buffer; cert: Buffer } | undefined;
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kb-webhook-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
        ],
        { stdio: 'ignore' },
      );
      material = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    suite(() => {
      if (!material) throw new Error('no certificate');
      return material;
    });
  });
}
