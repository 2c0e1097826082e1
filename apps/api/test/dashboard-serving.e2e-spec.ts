import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiUnderTest } from './support/api-under-test';

jest.setTimeout(60_000);

/** How the service serves the dashboard's files (the page itself is tested in apps/dashboard/test). */
describe('GET / and /dashboard/<file>', () => {
  let built: string;
  let api: ApiUnderTest;

  beforeAll(async () => {
    built = mkdtempSync(join(tmpdir(), 'kb-dashboard-files-'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>dashboard</title>');
    writeFileSync(join(built, 'app.js'), 'console.log("dashboard");');
    writeFileSync(join(built, 'secret.txt'), 'not a dashboard file');
    api = await ApiUnderTest.start({ DASHBOARD_DIR: built });
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(built, { recursive: true, force: true });
  });

  it('serves the page without a key, with a policy that runs only its own script', async () => {
    const response = await fetch(`${api.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe('<!doctype html><title>dashboard</title>');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 304 to a browser that has the same file', async () => {
    const first = await fetch(`${api.baseUrl}/dashboard/app.js`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await fetch(`${api.baseUrl}/dashboard/app.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('serves a file rebuilt while the service runs', async () => {
    const before = await (await fetch(`${api.baseUrl}/dashboard/app.js`)).text();
    writeFileSync(join(built, 'app.js'), 'console.log("rebuilt");');
    utimesSync(join(built, 'app.js'), new Date(), new Date(Date.now() + 5_000));
    const after = await (await fetch(`${api.baseUrl}/dashboard/app.js`)).text();
    expect([before, after]).toEqual(['console.log("dashboard");', 'console.log("rebuilt");']);
  });

  it.each([
    ['a file of the directory that is not the dashboard', '/dashboard/secret.txt'],
    ['a path out of the directory', '/dashboard/..%2F..%2Fpackage.json'],
    ['a file of the dashboard not built', '/dashboard/app.css'],
  ])('answers 404 to %s', async (_what, path) => {
    const response = await fetch(`${api.baseUrl}${path}`);
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).toContain('The page is at /');
    expect(text).not.toContain('not a dashboard file');
  });

  it('says how to build the page when it is not built, and the API still works', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kb-dashboard-none-'));
    const bare = await ApiUnderTest.start({ DASHBOARD_DIR: empty });
    try {
      const response = await fetch(`${bare.baseUrl}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build');
      expect(await bare.data('{ incidents(first: 1) { totalCount } }')).toEqual({
        incidents: { totalCount: 0 },
      });
    } finally {
      await bare.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
