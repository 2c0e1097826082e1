import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ServiceClient } from './support/service-client';
import { freePort } from './support/service-process';

/**
 * The image's process as the Dockerfile runs it, without Docker: the Dockerfile's CMD, built by
 * `npm run build`, started as an unprivileged user (nobody, when the tests run as root, as they do
 * in CI; else the user running them) with a DATA_DIR that does not exist yet, under a folder that
 * user may write, and KB_BOOTSTRAP_API_KEY set. It must create DATA_DIR privately, serve /health and
 * accept the bootstrap key over GraphQL. And the Dockerfile's HEALTHCHECK command is run as written.
 */
const ROOT = resolve(__dirname, '../../..');
const ADMIN = 'e2e-unprivileged-admin-0123456789';
const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

/** The runtime stage's instructions of the Dockerfile, continuation lines joined. */
function dockerfile(): { cmd: string[]; healthcheck: string[] } {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ').split('\n');
  const runtime = lines.slice(lines.map((line) => line.startsWith('FROM ')).lastIndexOf(true));
  const json = (prefix: RegExp) => {
    const line = runtime.find((candidate) => prefix.test(candidate));
    if (line === undefined) throw new Error(`The Dockerfile's last stage has no ${String(prefix)}`);
    return JSON.parse(line.slice(line.indexOf('['))) as string[];
  };
  return { cmd: json(/^CMD /), healthcheck: json(/^HEALTHCHECK .* CMD \[/) };
}

/** Runs `node <args>` as the unprivileged user. */
function spawnUnprivileged(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const [command, prefix] = asRoot
    ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath]]
    : [process.execPath, []];
  return spawn(command, [...prefix, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', (exit) => done(exit)));
  return { code, output };
}

/**
 * A folder the unprivileged user can run the build from: the checkout itself when it can read it
 * (and every folder above it), else a copy of dist/ and package.json, with node_modules linked or
 * copied likewise. The image is the same: /app holds dist, node_modules and package.json.
 */
function runnableApp(work: string): string {
  const canRead = (path: string) =>
    !asRoot ||
    (() => {
      try {
        execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-r', path]);
        return true;
      } catch {
        return false;
      }
    })();
  const main = join(ROOT, dockerfile().cmd[1]);
  const driver = join(ROOT, 'node_modules/better-sqlite3/package.json');
  if (canRead(main) && canRead(driver)) return ROOT;
  const app = join(work, 'app');
  mkdirSync(app);
  cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  if (canRead(driver)) symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  else cpSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), { recursive: true, dereference: true });
  execFileSync('chmod', ['-R', 'a+rX', app]);
  chmodSync(work, 0o755);
  return app;
}

describe('the built service, started as the image starts it, by an unprivileged user', () => {
  jest.setTimeout(120_000);
  let work: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.js')], { cwd: ROOT, stdio: 'pipe' });
  });

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'kb-unprivileged-'));
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
    rmSync(work, { recursive: true, force: true });
  });

  /** A folder the unprivileged user owns (as the image's /data parent would be writable). */
  const writableFolder = () => {
    const folder = join(work, 'volume');
    mkdirSync(folder, { mode: 0o755 });
    if (asRoot) chownSync(folder, NOBODY.uid, NOBODY.gid);
    chmodSync(work, 0o755);
    return folder;
  };

  it('creates its DATA_DIR privately, serves /health and accepts the bootstrap key', async () => {
    const app = runnableApp(work);
    const dataDir = join(writableFolder(), 'data');
    const port = await freePort();
    child = spawnUnprivileged(dockerfile().cmd.slice(1), {
      cwd: app,
      env: { NODE_ENV: 'production', PORT: String(port), DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: ADMIN },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`The service exited on start:\n${output}`);
      const ok = await fetch(`${baseUrl}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`No answer on /health in 60 s:\n${output}`);
      await new Promise((done) => setTimeout(done, 100));
    }

    // It is the unprivileged user that runs.
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1];
    expect(Number(uid)).toBe(asRoot ? NOBODY.uid : process.getuid!());

    const { apiKeys } = await new ServiceClient(baseUrl, ADMIN).data<{
      apiKeys: { name: string; role: string }[];
    }>('{ apiKeys { id name role } }');
    expect(apiKeys).toEqual([expect.objectContaining({ role: 'ADMIN' })]);
    const refused = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-bootstrap-key-000' },
      body: JSON.stringify({ query: '{ apiKeys { id } }' }),
    });
    expect(refused.status).toBe(401);

    // DATA_DIR and its databases: the user's, and private.
    for (const [path, mode] of [
      [dataDir, 0o700],
      [join(dataDir, 'events.db'), 0o600],
      [join(dataDir, 'read-models.db'), 0o600],
    ] as const) {
      const stat = statSync(path);
      expect([path, stat.uid, stat.mode & 0o777]).toEqual([
        path,
        asRoot ? NOBODY.uid : process.getuid!(),
        mode,
      ]);
    }
  });

  it('does not start on a DATA_DIR it may not write (a fresh volume owned by root), and says where', async () => {
    if (!asRoot) {
      // Without root, a folder of another user cannot be made: check the same with a read-only one.
      const dataDir = join(work, 'data');
      mkdirSync(dataDir, { mode: 0o500 });
      child = spawnUnprivileged(dockerfile().cmd.slice(1), {
        cwd: ROOT,
        env: { PORT: String(await freePort()), DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: ADMIN },
      });
    } else {
      const dataDir = join(work, 'data');
      mkdirSync(dataDir, { mode: 0o755 }); // root's, as a named volume is when the image has no /data
      chmodSync(work, 0o755);
      child = spawnUnprivileged(dockerfile().cmd.slice(1), {
        cwd: runnableApp(work),
        env: { PORT: String(await freePort()), DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: ADMIN },
      });
    }
    const { code, output } = await exitOf(child);
    expect(code).not.toBe(0);
    expect(output).toMatch(/EACCES/);
    expect(output).toContain(join(work, 'data'));
  });

  describe("the Dockerfile's HEALTHCHECK command", () => {
    let server: Server;
    let status = 200;
    const asked: string[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        asked.push(request.url ?? '');
        response.writeHead(status).end();
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    });

    afterAll(async () => {
      await new Promise((done) => server.close(done));
    });

    const check = async (port: number) => {
      const [, ...args] = dockerfile().healthcheck;
      const run = spawn(process.execPath, args, { env: { PATH: process.env.PATH, PORT: String(port) } });
      return (await exitOf(run)).code;
    };

    it('asks /health/ready on PORT: healthy on 200, unhealthy on 503 or when nothing answers', async () => {
      const { port } = server.address() as { port: number };
      status = 200;
      expect(await check(port)).toBe(0);
      status = 503;
      expect(await check(port)).toBe(1);
      expect(asked).toEqual(['/health/ready', '/health/ready']);
      expect(await check(await freePort())).toBe(1);
    });
  });
});
