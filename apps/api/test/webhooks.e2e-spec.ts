import { randomUUID } from 'node:crypto';
import { ApiUnderTest } from './support/api-under-test';

const WEBHOOK_FIELDS = 'id url eventTypes createdAt';
const CREATE = `mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { ${WEBHOOK_FIELDS} } }
}`;
const LIST = `{ webhooks { ${WEBHOOK_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteWebhook(id: $id) { ${WEBHOOK_FIELDS} } }`;

interface WebhookJson {
  id: string;
  url: string;
  eventTypes: string[];
  createdAt: string;
}
interface Created {
  createWebhook: { secret: string; webhook: WebhookJson };
}

describe('webhooks (over HTTP)', () => {
  jest.setTimeout(60_000);
  /** As in tests and local development: WEBHOOK_ALLOW_PRIVATE=true, plain http:// is taken. */
  let api: ApiUnderTest;
  /** As in production: WEBHOOK_ALLOW_PRIVATE=false (the default), only https://. */
  let strict: ApiUnderTest;

  beforeAll(async () => {
    [api, strict] = await Promise.all([
      ApiUnderTest.start({ WEBHOOK_ALLOW_PRIVATE: 'true' }),
      ApiUnderTest.start({ WEBHOOK_ALLOW_PRIVATE: 'false' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), strict?.stop()]);
  });

  const create = async (url: string, eventTypes: string[] = []) =>
    (await api.data<Created>(CREATE, { input: { url, eventTypes } })).createWebhook;
  const list = async (on = api) => (await on.data<{ webhooks: WebhookJson[] }>(LIST)).webhooks;

  it('creates a webhook and shows its signing secret once: never in the list, nor in the event log', async () => {
    const before = Date.now();
    const { secret, webhook } = await create('https://Hooks.Example.com/kb', [
      'IncidentReported',
      'PostmortemPublished',
    ]);
    // Standard base64, as the Standard Webhooks libraries read it (docs/adr/0006-webhook-secrets.md).
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(webhook).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: 'https://hooks.example.com/kb',
      eventTypes: ['IncidentReported', 'PostmortemPublished'],
      createdAt: expect.any(String),
    });
    expect(Date.parse(webhook.createdAt)).toBeGreaterThanOrEqual(before - 1000);

    // Listed at once (read-your-writes), without the secret, which the Webhook type does not have.
    const listed = await api.graphql(LIST);
    expect(listed.body.data?.webhooks).toContainEqual(webhook);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const asked = await api.graphql('{ webhooks { id secret } }');
    expect(asked.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('Cannot query field "secret" on type "Webhook"'),
    });

    // The webhook streams are not in the event log: neither listed nor reachable by prefix.
    const events = await api.graphql('{ events(first: 1000) { edges { node { streamId type data } } } }');
    const nodes = (events.body.data?.events.edges as Array<{ node: { streamId: string; type: string } }>).map(
      (edge) => edge.node,
    );
    expect(
      nodes.filter((node) => node.streamId.startsWith('webhook-') || node.type.startsWith('Webhook')),
    ).toEqual([]);
    expect(JSON.stringify(events.body)).not.toContain(secret);
    const byPrefix = await api.graphql(
      '{ events(filter: { streamPrefix: "webhook-" }) { edges { cursor } } }',
    );
    expect(byPrefix.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.streamPrefix',
    });
    const byType = await api.graphql(
      '{ events(filter: { types: ["WebhookCreated"] }) { edges { node { streamId } } } }',
    );
    expect(byType.body.data?.events.edges).toEqual([]);
  });

  it('lists the webhooks that are not deleted, oldest first; empty eventTypes means all', async () => {
    const first = await create('https://one.example.com/hook');
    const second = await create('http://localhost:9000/dev', ['ActionItemCompleted']);
    const third = await create('http://127.0.0.1:9001/dev');
    expect(second.webhook.eventTypes).toEqual(['ActionItemCompleted']);
    expect(first.webhook.eventTypes).toEqual([]);
    expect(new Set([first.secret, second.secret, third.secret]).size).toBe(3);

    await api.data(DELETE, { id: second.webhook.id });
    const ids = (await list()).map((webhook) => webhook.id);
    expect(ids).not.toContain(second.webhook.id);
    expect(ids.indexOf(first.webhook.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first.webhook.id)).toBeLessThan(ids.indexOf(third.webhook.id));
  });

  it('deletes a webhook, returning it as it was; deleting it again changes nothing', async () => {
    const { webhook } = await create('https://delete-me.example.com/hook', ['FindingRecorded']);
    const deleted = await api.data<{ deleteWebhook: WebhookJson }>(DELETE, { id: webhook.id });
    expect(deleted.deleteWebhook).toEqual(webhook);
    expect((await list()).map((w) => w.id)).not.toContain(webhook.id);

    const again = await api.graphql<{ deleteWebhook: WebhookJson }>(DELETE, { id: webhook.id });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data?.deleteWebhook).toEqual(webhook);
  });

  it.each([randomUUID(), 'not-a-uuid'])(
    'answers NOT_FOUND for deleting the unknown webhook %s',
    async (id) => {
      const response = await api.graphql(DELETE, { id });
      expect(response.body.data).toBeNull();
      expect(response.body.errors?.[0]).toMatchObject({
        message: `id: no webhook has the id '${id}'.`,
        extensions: { code: 'NOT_FOUND', field: 'id' },
      });
    },
  );

  it.each([
    ['http://hooks.example.com/kb', [], 'url', /must use https:\/\/ \(.*WEBHOOK_ALLOW_PRIVATE=true/],
    ['http://localhost:9000/dev', [], 'url', /must use https:\/\//],
    ['http://127.0.0.1:9001/dev', [], 'url', /must use https:\/\//],
    ['hooks.example.com/kb', [], 'url', /must be an absolute URL/],
    ['ftp://hooks.example.com/kb', [], 'url', /must be an https:\/\/ URL/],
    [`https://hooks.example.com/${'x'.repeat(2100)}`, [], 'url', /at most 2048 characters/],
    [
      'https://hooks.example.com/kb',
      ['IncidentReported', 'IncidentExploded'],
      'eventTypes[1]',
      /not an event type/,
    ],
    ['https://hooks.example.com/kb', ['ApiKeyCreated'], 'eventTypes[0]', /not an event type/],
    [
      'https://hooks.example.com/kb',
      ['FindingRecorded', 'FindingRecorded'],
      'eventTypes[1]',
      /named already/,
    ],
  ])(
    'refuses url %s with eventTypes %j as BAD_USER_INPUT naming %s (WEBHOOK_ALLOW_PRIVATE=false)',
    async (url, eventTypes, field, rule) => {
      const before = (await list(strict)).length;
      const response = await strict.graphql(CREATE, { input: { url, eventTypes } });
      expect(response.body.data).toBeNull();
      expect(response.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(rule),
        extensions: { code: 'BAD_USER_INPUT', field },
      });
      expect((await list(strict)).length).toBe(before);
    },
  );

  it('takes plain http:// to any host when WEBHOOK_ALLOW_PRIVATE=true, but still no other scheme', async () => {
    const { webhook } = await create('http://Hooks.Example.com/kb');
    expect(webhook.url).toBe('http://hooks.example.com/kb');
    const response = await api.graphql(CREATE, {
      input: { url: 'ftp://hooks.example.com/kb', eventTypes: [] },
    });
    expect(response.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/must be an https:\/\/ URL \(not ftp:\/\/\)/),
      extensions: { code: 'BAD_USER_INPUT', field: 'url' },
    });
  });

  it('refuses credentials in the URL without echoing them', async () => {
    const response = await api.graphql(CREATE, {
      input: { url: 'https://ops:Hunter2Secret@hooks.example.com/kb', eventTypes: [] },
    });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(JSON.stringify(response.body)).not.toContain('Hunter2Secret');
  });

  it('is for ADMIN keys only: a CONTRIBUTOR may neither list, create nor delete', async () => {
    const { webhook } = await create('https://admin-only.example.com/hook');
    const { secret } = await api.keyFor('CONTRIBUTOR');
    const attempts = [
      await api.graphql(LIST, undefined, { secret }),
      await api.graphql(CREATE, { input: { url: 'https://x.example.com/', eventTypes: [] } }, { secret }),
      await api.graphql(DELETE, { id: webhook.id }, { secret }),
    ];
    for (const response of attempts)
      expect(response.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/role CONTRIBUTOR may not \w+; it needs ADMIN/),
        extensions: { code: 'FORBIDDEN' },
      });
    expect((await list()).map((w) => w.id)).toContain(webhook.id);
  });
});
