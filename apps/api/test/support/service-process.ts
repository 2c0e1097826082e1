import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * The service as `npm start` runs it: built if needed, then `node dist/apps/api/src/main.js` in its
 * own process, on a temp DATA_DIR and a free port. Its output is kept for the test to read.
 */
export class ServiceProcess {
  output = '';
  exited: { code: number | null; signal: string | null } | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly dataDir: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.on('exit', (code, signal) => (this.exited = { code, signal }));
  }

  /**
   * With `on`, a service stopped (or killed) before is started again on its DATA_DIR and port (a new
   * port when none is given: another process on the same DATA_DIR). `app`: which entry point runs,
   * the API (`npm start`) or the projector process.
   */
  static async start(
    env: NodeJS.ProcessEnv,
    on?: { dataDir: string; port?: number },
    app: 'api' | 'projector' = 'api',
  ): Promise<ServiceProcess> {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.js')], { cwd: ROOT, stdio: 'pipe' });
    const dataDir = on?.dataDir ?? mkdtempSync(join(tmpdir(), 'kb-process-'));
    const port = on?.port ?? (await freePort());
    const child = spawn(process.execPath, [join(ROOT, `dist/apps/${app}/src/main.js`)], {
      cwd: ROOT,
      // No request budgets, and no drain on SIGTERM, unless a test sets them: tests send as fast as
      // they can with one key, and no load balancer waits on a test's process.
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        PORT: String(port),
        RATE_LIMIT_PER_SECOND: '0',
        SHUTDOWN_DRAIN_MS: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`, dataDir);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (service.exited) throw new Error(`The service exited on start:\n${service.output}`);
      const ok = await fetch(`${service.baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return service;
      if (Date.now() > deadline)
        throw new Error(`The service did not answer /health in 60 s:\n${service.output}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  /** SIGKILL, as a crash: nothing is flushed or closed; the DATA_DIR stays for a restart. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (SIGKILL after 10 s) and removes its DATA_DIR, unless `keepDataDir` (others share it). */
  async stop(options: { keepDataDir?: boolean } = {}): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!options.keepDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
