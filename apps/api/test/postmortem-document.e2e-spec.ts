import MarkdownIt from 'markdown-it';
import { randomUUID } from 'node:crypto';
import { ApiUnderTest } from './support/api-under-test';
import {
  minutesAgo,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
} from './support/graphql-fixtures';

jest.setTimeout(60_000);

describe('GET /incidents/<id>/postmortem.md', () => {
  let api: ApiUnderTest;
  let viewer: string;
  let incidentId: string;

  const get = (id: string, secret: string | null = viewer) =>
    fetch(`${api.baseUrl}/incidents/${id}/postmortem.md`, {
      headers: secret === null ? {} : { authorization: `Bearer ${secret}` },
    });

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    const created = await api.data<{ createApiKey: { secret: string } }>(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: 'wiki export', role: 'VIEWER' } },
    );
    viewer = created.createApiKey.secret;
    // An earlier failure like it, with a lesson: the document shows it among the similar ones.
    const earlier = await reportIncident(api, {
      title: 'Checkout errors after a config push halved the pool',
      startedAt: minutesAgo(30 * 24 * 60),
    });
    await recordFinding(
      api,
      {
        incidentId: earlier.id,
        kind: 'TRIGGER',
        category: 'CONFIG_CHANGE',
        description: 'Pool size halved by a config push',
      },
      'id',
    );
    await recordFinding(
      api,
      {
        incidentId: earlier.id,
        kind: 'LESSON_LEARNED',
        description: 'Canary config pushes for the checkout pool',
      },
      'id',
    );
    // A title and texts that try to break the document's structure.
    const incident = await reportIncident(api, {
      title: 'Checkout 5xx after config push | # not a heading',
      startedAt: minutesAgo(600),
    });
    incidentId = incident.id;
    for (const [milestone, at] of [
      ['DETECTED', minutesAgo(590)],
      ['MITIGATED', minutesAgo(540)],
      ['RESOLVED', minutesAgo(480)],
    ])
      await mutate(api, 'recordMilestone', 'RecordMilestoneInput', { incidentId, milestone, at }, 'id');
    await mutate(
      api,
      'addTimelineEntry',
      'AddTimelineEntryInput',
      { incidentId, at: minutesAgo(589), text: 'Paged <script>alert(1)</script>' },
      'id',
    );
    const trigger = await recordFinding(
      api,
      {
        incidentId,
        kind: 'TRIGGER',
        category: 'CONFIG_CHANGE',
        description: 'Pool size set to 5 in [config](http://x)',
      },
      'id',
    );
    await recordFinding(
      api,
      { incidentId, kind: 'LESSON_LEARNED', description: 'Review pool changes' },
      'id',
    );
    await recordFinding(api, { incidentId, kind: 'WENT_WELL', description: 'Rollback in two minutes' }, 'id');
    await openActionItem(
      api,
      {
        incidentId,
        findingId: trigger.id,
        title: 'Alert on pool saturation',
        ownerTeam: 'sre',
        dueDate: minutesAgo(-7 * 24 * 60),
      },
      'id',
    );
    await mutate(
      api,
      'publishPostmortem',
      'PublishPostmortemInput',
      {
        incidentId,
        summary: 'A config push halved the pool.',
        impact: '4 % of checkouts failed for 55 minutes.',
      },
      'id',
    );
  });
  afterAll(() => api.stop());

  it('renders the incident as a postmortem in Markdown for a VIEWER key', async () => {
    const response = await get(incidentId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const document = await response.text();
    const tokens = new MarkdownIt({ html: true }).parse(document, {});
    const headings = tokens
      .map((t, i) => (t.type === 'heading_open' ? `${t.tag} ${tokens[i + 1].content}` : null))
      .filter((h) => h !== null);
    expect(headings).toEqual([
      'h1 Postmortem: Checkout 5xx after config push \\| \\# not a heading',
      'h2 Summary',
      'h2 Impact',
      'h2 Detection and response',
      'h2 Timeline',
      'h2 Trigger and contributing factors',
      'h3 CONFIG_CHANGE',
      'h2 What went well',
      'h2 Where we got lucky',
      'h2 Lessons learned',
      'h2 Action items',
      'h2 Similar past incidents',
    ]);
    expect(tokens.filter((t) => t.type.startsWith('html')).length).toBe(0);
    // Rendered, the user's text reads as written (escaped, not dropped).
    const html = new MarkdownIt().render(document);
    expect(html).toContain('<h1>Postmortem: Checkout 5xx after config push | # not a heading</h1>');
    expect(html).toContain('Paged &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(document).toContain('A config push halved the pool');
    expect(document).toMatch(/\| Detected \| [^|]+ \| 10 min \|/);
    expect(document).toContain('**Trigger**: Pool size set to 5 in \\[config\\]\\(http\\://x\\)');
    expect(document).toMatch(/\| Alert on pool saturation \| sre \| [^|]+ \| OPEN \|/);
    expect(document).toContain('- Review pool changes');
    expect(document).toMatch(/- Checkout errors after a config push halved the pool \(.+\): .*same service/);
    expect(document).toContain('  - Lesson: Canary config pushes for the checkout pool');
  });

  it('refuses without a valid key (401), a malformed id (400, field id) and an unknown incident (404)', async () => {
    const anonymous = await get(incidentId, null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await get(incidentId, 'not-a-key-at-all-0123456789')).status).toBe(401);

    const malformed = await get('..%2F..%2Fetc');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const unknown = await get(randomUUID());
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});
