/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL answers and DOM cells are untyped JSON here: the tests assert their shape. */
/**
 * The dashboard in a real browser: headless Chromium (Debian's, /usr/bin/chromium or CHROMIUM_PATH)
 * driven by playwright-core against the service on a seeded demo history, over real HTTP. Each
 * chart's figures are compared with what the API answers for the same arguments; axe-core checks
 * every page; screenshots go to test-results/dashboard/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openEventStore } from '@kb/event-store';
import { ADMIN_SECRET, ApiUnderTest } from '../../api/test/support/api-under-test';
import {
  minutesAgo,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
  sleep,
} from '../../api/test/support/graphql-fixtures';
import { writeDemoHistory } from '../../api/src/seed/seed-demo-data';
import { parseSeedOptions } from '../../api/src/seed/seed-options';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS build script
const { buildDashboard } = require('../../../scripts/build-dashboard.js') as {
  buildDashboard: (outdir: string) => Promise<string>;
};

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../../../test-results/dashboard');
const AXE = require.resolve('axe-core/axe.min.js');
/** The period every chart is compared over: the demo history ends on 2026-11-01. */
const PERIOD = { from: '2025-11-01', to: '2026-11-01' };
const FROM = `${PERIOD.from}T00:00:00.000Z`;
const TO = `${PERIOD.to}T00:00:00.000Z`;

describe('the dashboard in a browser', () => {
  let api: ApiUnderTest;
  let browser: Browser;
  let dashboardDir: string;
  const keys: Record<'VIEWER' | 'ANALYST' | 'CONTRIBUTOR', string> = {
    VIEWER: '',
    ANALYST: '',
    CONTRIBUTOR: '',
  };
  /** Every URL any page asked for: no API key may ever be in one. */
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium), as .ci/run does, or set CHROMIUM_PATH.`,
      );
    dashboardDir = await buildDashboard(mkdtempSync(join(tmpdir(), 'kb-dashboard-')));
    const history = parseSeedOptions(['--incidents', '400']);
    if (history === 'help') throw new Error('unreachable');
    api = await ApiUnderTest.start(
      { DASHBOARD_DIR: dashboardDir },
      {
        prepare: async (dataDir) => {
          const store = openEventStore({ kind: 'embedded', file: join(dataDir, 'events.db') });
          try {
            await writeDemoHistory(store, history);
          } finally {
            await store.close();
          }
        },
      },
    );
    await caughtUp(api);
    for (const role of ['VIEWER', 'ANALYST', 'CONTRIBUTOR'] as const)
      keys[role] = (await api.keyFor(role)).secret;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (dashboardDir) rmSync(dashboardDir, { recursive: true, force: true });
  });

  /** A fresh tab (its own sessionStorage) signed in with `secret`. */
  async function signedIn(secret: string, hash = '#/'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${api.baseUrl}/${hash}`);
    await page.getByLabel('API key').fill(secret);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.getByText(/Signed in with a/).waitFor();
    expect(errors).toEqual([]);
    return { context, page };
  }

  /** Runs axe-core on the page; returns the serious and critical violations, described. */
  async function seriousViolations(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol: the page's own CSP rightly refuses inline scripts.
    await page.evaluate(readFileSync(AXE, 'utf8'));
    const result = await page.evaluate<Array<{ id: string; impact: string; help: string; nodes: string[] }>>(
      'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) })))',
    );
    return result
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(', ')}`);
  }

  /** The rows of a chart's figures table, as text. */
  async function figures(page: Page, chart: string): Promise<string[][]> {
    const panel = page.locator(`[data-chart=${chart}]`);
    await panel.locator('table').waitFor({ state: 'attached' });
    return panel
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...(row as any).cells].map((cell: any) => String(cell.textContent).trim())),
      );
  }

  async function showPeriod(page: Page, groupBy: string): Promise<void> {
    const form = page.getByRole('form', { name: 'Period and grouping' });
    await form.getByLabel('From (UTC)').fill(PERIOD.from);
    await form.getByLabel('To, excluded (UTC)').fill(PERIOD.to);
    await form.getByLabel('Bucket').selectOption('MONTH');
    await form.getByLabel('Group incidents by').selectOption(groupBy);
    await form.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('heading', { name: `Incidents per month by ${groupBy.toLowerCase()}` }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
  }

  it('shows each chart with the figures the API returns for the same arguments', async () => {
    const { context, page } = await signedIn(keys.ANALYST);
    await showPeriod(page, 'SEVERITY');

    const { incidentTrend } = await api.data<any>(
      `query($input: TrendInput!) { incidentTrend(input: $input) { bucketStart key count } }`,
      { input: { from: FROM, to: TO, bucket: 'MONTH', groupBy: 'SEVERITY' } },
      keys.ANALYST,
    );
    expect(incidentTrend.length).toBeGreaterThan(12);
    expect(await figures(page, 'incidentTrend')).toEqual(
      incidentTrend.map((p: any) => [p.bucketStart.slice(0, 10), p.key, String(p.count)]),
    );
    // The bars say the same: each one's title is "<bucket> · <group>: <count>", and they add up.
    const titles = await page.locator('[data-chart=incidentTrend] svg title').allTextContents();
    const drawn = titles.reduce((sum, title) => sum + Number(/: (\d+)$/.exec(title)![1]), 0);
    expect(drawn).toBe(incidentTrend.reduce((sum: number, p: any) => sum + p.count, 0));
    expect(drawn).toBeGreaterThan(0);

    const { responseTimes } = await api.data<any>(
      `query($input: TrendInput!) { responseTimes(input: $input) { bucketStart incidents resolve { medianSeconds } } }`,
      { input: { from: FROM, to: TO, bucket: 'MONTH' } },
      keys.ANALYST,
    );
    const responseRows = await figures(page, 'responseTimes');
    expect(responseRows.map((row) => [row[0], row[1]])).toEqual(
      responseTimes.map((p: any) => [p.bucketStart.slice(0, 10), String(p.incidents)]),
    );
    expect(responseRows.map((row) => row[6])).toEqual(
      responseTimes.map((p: any) => formatDuration(p.resolve.medianSeconds)),
    );

    const { contributingFactors } = await api.data<any>(
      `query($input: PeriodInput!) { contributingFactors(input: $input) { category incidents previousPeriodIncidents } }`,
      { input: { from: FROM, to: TO } },
      keys.ANALYST,
    );
    expect(contributingFactors.length).toBeGreaterThan(3);
    expect((await figures(page, 'contributingFactors')).map((row) => [row[0], row[1], row[3]])).toEqual(
      contributingFactors.map((r: any) => [
        r.category.toLowerCase().replaceAll('_', ' '),
        String(r.incidents),
        String(r.previousPeriodIncidents),
      ]),
    );

    const { actionItemHealth } = await api.data<any>(
      `query($input: ActionItemHealthInput!) { actionItemHealth(input: $input) { key open inProgress done wontDo overdue } }`,
      { input: { from: FROM, to: TO, groupBy: 'OWNER_TEAM' } },
      keys.ANALYST,
    );
    expect(actionItemHealth.length).toBeGreaterThan(3);
    expect((await figures(page, 'actionItemHealth')).map((row) => row.slice(0, 6))).toEqual(
      actionItemHealth.map((r: any) =>
        [r.key, r.open, r.inProgress, r.done, r.wontDo, r.overdue].map(String),
      ),
    );

    const { recurrence } = await api.data<any>(
      `query($input: PeriodInput!) { recurrence(input: $input) { incidents recurrences clusters { service } } }`,
      { input: { from: FROM, to: TO } },
      keys.ANALYST,
    );
    const recurrencePanel = page.locator('[data-chart=recurrence]');
    expect(await recurrencePanel.locator('[data-figure=incidents]').textContent()).toBe(
      String(recurrence.incidents),
    );
    expect(await recurrencePanel.locator('[data-figure=recurrences]').textContent()).toBe(
      String(recurrence.recurrences),
    );
    expect(await figures(page, 'recurrence')).toHaveLength(recurrence.clusters.length);

    const { learning } = await api.data<any>(
      `query($input: LearningInput!) { learning(input: $input) { bucketStart incidents nearMisses experiments overduePostmortems } }`,
      { input: { from: FROM, to: TO, bucket: 'MONTH' } },
      keys.ANALYST,
    );
    expect((await figures(page, 'learning')).map((row) => [row[0], row[1], row[2], row[4], row[8]])).toEqual(
      learning.map((p: any) =>
        [p.bucketStart.slice(0, 10), p.incidents, p.nearMisses, p.experiments, p.overduePostmortems].map(
          String,
        ),
      ),
    );

    await page.screenshot({ path: join(SCREENSHOTS, 'trends.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('downloads a chart as the report CSV, the key in a header and never in a URL', async () => {
    const { context, page } = await signedIn(keys.ANALYST);
    await showPeriod(page, 'KIND');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-chart=incidentTrend]').getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('incidentTrend.csv');
    const saved = readFileSync(await download.path(), 'utf8');
    const direct = await fetch(
      `${api.baseUrl}/reports/incidentTrend.csv?from=${FROM}&to=${TO}&bucket=MONTH&groupBy=KIND`,
      { headers: { authorization: `Bearer ${keys.ANALYST}` } },
    );
    expect(direct.status).toBe(200);
    expect(saved).toBe(await direct.text());
    expect(saved.split('\n')[0]).toContain('bucketStart');
    await context.close();
  });

  it('finds a seeded incident by search and opens its page', async () => {
    const { incidents } = await api.data<any>(
      `{ incidents(first: 1, filter: { kinds: [INCIDENT] }) { edges { node { id title } } } }`,
    );
    const { id, title } = incidents.edges[0].node;
    const { context, page } = await signedIn(keys.VIEWER, '#/incidents');
    await page.getByRole('heading', { name: 'Latest incidents' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'incidents.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel(/^Search titles/).fill(title);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: /results? for/ }).waitFor();
    const hit = page.locator(`ol.results a[href="#/incidents/${id}"]`).first();
    await expect(hit.count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'search.png'), fullPage: true });
    await hit.click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await context.close();
  });

  it('shows an incident with its history, and as it was known on a past date', async () => {
    // The seeded history was recorded in one go; this incident is learnt step by step.
    const reported = await reportIncident(api, {
      title: 'Checkout latency after the cache eviction change',
      services: ['checkout'],
      startedAt: minutesAgo(120),
    });
    await sleep(20);
    await recordFinding(api, {
      incidentId: reported.id,
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'The eviction policy change emptied the cache at peak',
    });
    await sleep(20);
    await recordFinding(api, {
      incidentId: reported.id,
      kind: 'CONTRIBUTING_FACTOR',
      category: 'MONITORING_GAP',
      description: 'Human error: the operator should have checked the hit rate',
    });
    await openActionItem(api, {
      incidentId: reported.id,
      title: 'Alert on the cache hit rate',
      ownerTeam: 'team-checkout',
    });
    await mutate(
      api,
      'recordMilestone',
      'RecordMilestoneInput',
      {
        incidentId: reported.id,
        milestone: 'RESOLVED',
        at: minutesAgo(10),
      },
      'id',
    );
    const { incident } = await api.data<any>(
      `query($id: ID!) { incident(id: $id) { status history { revision type recordedAt } } }`,
      { id: reported.id },
      keys.ANALYST,
    );
    const history = incident.history;
    expect(history.length).toBeGreaterThanOrEqual(4);

    const { context, page } = await signedIn(keys.ANALYST, `#/incidents/${reported.id}`);
    await page.getByRole('heading', { level: 1, name: reported.title }).waitFor();
    await page.locator('ol.history > li').first().waitFor();
    expect(await page.locator('ol.history .event-type').allTextContents()).toEqual(
      history.map((e: any) => e.type),
    );
    expect(await page.locator('ul.findings > li').count()).toBe(2);
    await expect(page.locator('ul.findings').textContent()).resolves.toContain('Blameless hint');
    expect(await page.locator('table tbody tr').count()).toBe(1);
    await expect(page.locator('.kicker').textContent()).resolves.toContain('resolved');
    await page.locator('section[aria-labelledby=similar-title] .loading').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SCREENSHOTS, 'incident.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // As of its first event: only the report was known then, open and without findings.
    await page.getByRole('button', { name: 'As of revision 0', exact: true }).click();
    await page.getByText(/^As known on/).waitFor();
    const { incident: then } = await api.data<any>(
      `query($id: ID!, $asOf: DateTime) { incident(id: $id, asOf: $asOf) { revision status findings { id } } }`,
      { id: reported.id, asOf: history[0].recordedAt },
      keys.ANALYST,
    );
    expect(then).toEqual({ revision: 0, status: 'OPEN', findings: [] });
    await expect(page.locator('.as-of').textContent()).resolves.toContain('(revision 0)');
    await expect(page.locator('.kicker').textContent()).resolves.toContain('open');
    expect(await page.locator('ul.findings > li').count()).toBe(0);
    expect(page.url()).toContain('asOf=');
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-as-of.png'), fullPage: true });

    // A date typed in, before it was reported: nothing was known of it.
    await page.getByLabel('As of (your time zone)').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Show as of' }).click();
    await page.getByText('Nothing was known of this incident at that time').waitFor();
    await page.getByRole('button', { name: 'See it now' }).click();
    await page.getByRole('heading', { level: 1, name: reported.title }).waitFor();
    expect(page.url()).not.toContain('asOf=');
    await context.close();
  });

  it('shows similar past incidents while a failure is reported, and opens the new incident', async () => {
    const { context, page } = await signedIn(keys.CONTRIBUTOR, '#/report');
    await page.getByRole('heading', { name: 'Report a failure' }).waitFor();
    const title = 'Expired certificate on the payments gateway again';
    await page.getByLabel('Near-miss').check();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Services (comma-separated)').fill('payments-gateway');
    await page.locator('ol.similar > li').first().waitFor();
    const shown = await page.locator('ol.similar > li > a').allTextContents();
    const { similarIncidents } = await api.data<any>(
      `query($input: SimilarIncidentsInput!) { similarIncidents(input: $input, first: 5) { incident { title } } }`,
      { input: { title, services: ['payments-gateway'] } },
      keys.CONTRIBUTOR,
    );
    expect(similarIncidents.length).toBeGreaterThan(0);
    expect(shown).toEqual(similarIncidents.map((s: any) => s.incident.title));
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Report', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const id = decodeURIComponent(/#\/incidents\/([^?]+)/.exec(page.url())![1]);
    const { incident } = await api.data<any>(
      `query($id: ID!) { incident(id: $id) { title kind services detectionSource } }`,
      { id },
    );
    expect(incident).toEqual({
      title,
      kind: 'NEAR_MISS',
      services: ['payments-gateway'],
      detectionSource: 'INTERNAL_REPORT',
    });
    await context.close();
  });

  it('lets a CONTRIBUTOR add findings and timeline entries on the incident page', async () => {
    const incident = await reportIncident(api, {
      title: 'Search index rebuild stalled',
      services: ['search'],
    });
    const { context, page } = await signedIn(keys.CONTRIBUTOR, `#/incidents/${incident.id}`);
    await page.getByRole('heading', { level: 1, name: incident.title }).waitFor();

    const finding = page.getByRole('form', { name: 'Record a finding' });
    await finding.getByLabel('Finding kind').selectOption('CONTRIBUTING_FACTOR');
    await finding.getByLabel('Factor category').selectOption('CAPACITY');
    await finding
      .getByLabel(/^What was found/)
      .fill('The on-call engineer should have noticed the disk filling up');
    await finding.getByRole('button', { name: 'Record finding' }).click();
    await page.locator('ul.findings > li').first().waitFor();
    await expect(page.locator('ul.findings').textContent()).resolves.toContain('Blameless hint');

    const entry = page.getByRole('form', { name: 'Add a timeline entry' });
    await entry.getByLabel('What happened').fill('Paused the rebuild and freed disk space');
    await entry.getByRole('button', { name: 'Add entry' }).click();
    await page.locator('ol.timeline > li').first().waitFor();
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('Paused the rebuild');

    // A refusal names the field; nothing is written.
    const refused = page.getByRole('form', { name: 'Add a timeline entry' });
    await refused.getByLabel('When (your time zone)').fill('2099-01-01T00:00');
    await refused.getByLabel('What happened').fill('From the future');
    await refused.getByRole('button', { name: 'Add entry' }).click();
    const alert = refused.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/\bat\b/);

    const { incident: stored } = await api.data<any>(
      `query($id: ID!) { incident(id: $id) { findings { kind category description blamelessHints } timeline { text } } }`,
      { id: incident.id },
    );
    expect(stored.findings).toHaveLength(1);
    expect(stored.findings[0]).toMatchObject({ kind: 'CONTRIBUTING_FACTOR', category: 'CAPACITY' });
    expect(stored.findings[0].blamelessHints.length).toBeGreaterThan(0);
    expect(stored.timeline).toEqual([{ text: 'Paused the rebuild and freed disk space' }]);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('says which field a refused report breaks, and saves nothing', async () => {
    const before = await api.data<any>(`{ incidents(first: 1) { totalCount } }`);
    const { context, page } = await signedIn(keys.CONTRIBUTOR, '#/report');
    await page.getByLabel('Title').fill('Queue backlog in billing');
    await page.getByLabel('Services (comma-separated)').fill('Billing Service!');
    await page.getByRole('button', { name: 'Report', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/services/);
    const after = await api.data<any>(`{ incidents(first: 1) { totalCount } }`);
    expect(after.incidents.totalCount).toBe(before.incidents.totalCount);
    await context.close();
  });

  it('gives a VIEWER key no write controls and no downloads it may not make', async () => {
    const { context, page } = await signedIn(keys.VIEWER);
    await expect(page.locator('[data-role]').textContent()).resolves.toBe('VIEWER');
    await page.locator('[data-chart=learning] table').waitFor({ state: 'attached' });
    expect(await page.getByRole('link', { name: 'Report a failure' }).count()).toBe(0);
    const downloads = page.getByRole('button', { name: 'Download CSV' });
    expect(await downloads.count()).toBe(6);
    for (const button of await downloads.all()) expect(await button.isDisabled()).toBe(true);

    await page.goto(`${api.baseUrl}/#/report`);
    await page.getByText('Reporting needs a CONTRIBUTOR key or higher').waitFor();
    expect(await page.locator('form input[name=title]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Report', exact: true }).count()).toBe(0);

    const { incidents } = await api.data<any>(`{ incidents(first: 1) { edges { node { id title } } } }`);
    await page.goto(`${api.baseUrl}/#/incidents/${incidents.edges[0].node.id}`);
    await page.getByRole('heading', { level: 1, name: incidents.edges[0].node.title }).waitFor();
    await page.getByText('The event history needs an ANALYST key or higher.').waitFor();
    expect(
      await page
        .locator('form[aria-label="Record a finding"], form[aria-label="Add a timeline entry"]')
        .count(),
    ).toBe(0);
    expect(await page.locator('textarea').count()).toBe(0);
    await context.close();

    // A CONTRIBUTOR, on the other hand, is offered the form.
    const contributor = await signedIn(keys.CONTRIBUTOR);
    await contributor.page.getByRole('link', { name: 'Report a failure' }).waitFor();
    await contributor.context.close();
  });

  it('refuses an unknown key on the sign-in page, which passes axe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}/`);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('API key').fill('not-a-key-0123456789');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.getByText('This key is unknown or was revoked').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await context.close();
  });

  it('shows hostile text as text: no markup or script from an incident reaches the page', async () => {
    const title = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> & <mark>x</mark>';
    const incident = await reportIncident(api, {
      title,
      summary: '<b onmouseover="window.__pwned=3">bold</b>',
    });
    await recordFinding(api, {
      incidentId: incident.id,
      kind: 'LESSON_LEARNED',
      description: '</li><li>injected</li><iframe src="javascript:window.__pwned=4">',
    });
    const { context, page } = await signedIn(keys.VIEWER, `#/incidents/${incident.id}`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'onerror' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    expect(await page.locator('article img, article script, article iframe, article b').count()).toBe(0);
    expect(await page.locator('ul.findings > li').count()).toBe(1);

    // And in search results, whose snippets mark the matching words.
    await page.goto(`${api.baseUrl}/#/incidents?q=${encodeURIComponent('onerror pwned')}`);
    await page.getByRole('heading', { name: /results? for/ }).waitFor();
    expect(await page.locator('ol.results > li').count()).toBeGreaterThan(0);
    expect(await page.locator('ol.results img, ol.results script, ol.results iframe').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await context.close();
  });

  it('can be used with the keyboard alone', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.name')).toBe('apiKey');
    await page.keyboard.type(keys.ANALYST);
    await page.keyboard.press('Enter');
    await page.getByText(/Signed in with a/).waitFor();
    // Tab to the "Incidents" link and follow it.
    for (let n = 0; n < 6; n++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate('document.activeElement.textContent')) === 'Incidents') break;
    }
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Incidents');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Latest incidents' }).waitFor();
    expect(page.url()).toMatch(/#\/incidents$/);
    await context.close();
  });

  it('tells a first user of an empty knowledge base how to get demo data', async () => {
    const empty = await ApiUnderTest.start({ DASHBOARD_DIR: dashboardDir });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${empty.baseUrl}/`);
      await page.getByLabel('API key').fill(ADMIN_SECRET);
      await page.getByRole('button', { name: 'Open the dashboard' }).click();
      const trend = page.locator('[data-chart=incidentTrend]');
      await trend.getByText('No incidents in this period').waitFor();
      expect(await trend.textContent()).toContain('npm run seed');
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      await page.screenshot({ path: join(SCREENSHOTS, 'trends-empty.png'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${empty.baseUrl}/#/incidents`);
      await page.getByText('Nothing recorded yet').waitFor();
    } finally {
      await context.close();
      await empty.stop();
    }
  });

  it('never put an API key into a URL', () => {
    expect(requested.length).toBeGreaterThan(50);
    for (const secret of [ADMIN_SECRET, ...Object.values(keys)])
      expect(requested.filter((url) => url.includes(secret))).toEqual([]);
  });
});

/** The page's duration format (apps/dashboard/src/format.ts), for comparing its cells. */
function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Waits until every projection has applied the whole seeded history (the service catches up on start). */
async function caughtUp(api: ApiUnderTest): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { projections } = await api.data<any>('{ projections { name lag state } }');
    if (projections.every((p: any) => p.lag === 0)) return;
    if (Date.now() > deadline) throw new Error(`Not caught up after 90 s: ${JSON.stringify(projections)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
