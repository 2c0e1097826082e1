import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import { deciderSpecification, NOW } from '../testing/decider-specification';
import { webhookCatalogue } from './webhook.catalogue';
import { decideWebhook, WEBHOOK_EVENT_TYPES, type WebhookCommand } from './webhook.decider';
import type { WebhookCreated, WebhookDeleted, WebhookEvent } from './webhook.events';
import { isLegacyWebhookSecret, isStandardWebhookSecret } from './webhook.secret-format';
import { evolveWebhook, initialWebhookState, type WebhookState } from './webhook.state';

const spec = deciderSpecification<WebhookCommand, WebhookEvent, WebhookState>({
  decide: decideWebhook,
  evolve: evolveWebhook,
  initialState: initialWebhookState,
});

const HOOK = '7d1f0b52-52c4-4d5e-9a7e-6f3f1f1f0001';
const SECRET = `whsec_${'A'.repeat(42)}Q=`;
/** A secret of a webhook created before 2026-12-02: base64url, no padding. */
const LEGACY_SECRET = `whsec_${'A'.repeat(42)}Q`;
const LATER = new Date('2026-03-02T08:00:00.000Z');

type CreateWebhook = Extract<WebhookCommand, { type: 'CreateWebhook' }>;
const create = (overrides: Partial<CreateWebhook> = {}): WebhookCommand => ({
  type: 'CreateWebhook',
  webhookId: HOOK,
  url: ' https://hooks.example.com/kb?team=sre ',
  eventTypes: ['IncidentReported', 'ActionItemCompleted'],
  secret: SECRET,
  allowPlainHttp: false,
  ...overrides,
});
const created: WebhookCreated = {
  type: 'WebhookCreated',
  data: {
    webhookId: HOOK,
    url: 'https://hooks.example.com/kb?team=sre',
    eventTypes: ['IncidentReported', 'ActionItemCompleted'],
    secret: SECRET,
    createdAt: NOW.toISOString(),
  },
};
const deleted: WebhookDeleted = {
  type: 'WebhookDeleted',
  data: { webhookId: HOOK, deletedAt: NOW.toISOString() },
};
const del: WebhookCommand = { type: 'DeleteWebhook', webhookId: HOOK };

const urlOf = (url: string, allowPlainHttp = false) => {
  const [event] = spec.given([]).when(create({ url, allowPlainHttp })).decision();
  return (event as WebhookCreated).data.url;
};

describe('webhook rules', () => {
  it('creates a webhook with a trimmed URL, its event types in the order given, and its secret', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('takes an empty list of event types, which means every event type', () => {
    const [event] = spec
      .given([])
      .when(create({ eventTypes: [] }))
      .decision();
    expect(event.data).toMatchObject({ eventTypes: [] });
  });

  it('takes every event type of incidents and action items, and only those', () => {
    expect(WEBHOOK_EVENT_TYPES).toContain('FindingRecorded');
    expect(WEBHOOK_EVENT_TYPES).toContain('ActionItemDropped');
    expect(WEBHOOK_EVENT_TYPES).not.toContain('ApiKeyCreated');
    expect(WEBHOOK_EVENT_TYPES).not.toContain('WebhookCreated');
    const [event] = spec
      .given([])
      .when(create({ eventTypes: WEBHOOK_EVENT_TYPES }))
      .decision();
    expect(event.data).toMatchObject({ eventTypes: WEBHOOK_EVENT_TYPES });
  });

  describe('the URL', () => {
    it.each([
      ['https://hooks.example.com', 'https://hooks.example.com/'],
      ['HTTPS://Hooks.Example.COM/Path', 'https://hooks.example.com/Path'],
      ['https://hooks.example.com:8443/kb', 'https://hooks.example.com:8443/kb'],
      ['https://bücher.example/kb', 'https://xn--bcher-kva.example/kb'],
    ])('takes %s, normalised to %s', (url, normalised) => {
      expect(urlOf(url)).toBe(normalised);
    });

    it.each([
      ['http://localhost:3001/hook', 'http://localhost:3001/hook'],
      ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000/'],
      ['http://[::1]:9000/', 'http://[::1]:9000/'],
      ['HTTP://Hooks.Example.com/kb', 'http://hooks.example.com/kb'],
      ['http://10.0.0.7/kb', 'http://10.0.0.7/kb'],
      ['https://hooks.example.com/kb', 'https://hooks.example.com/kb'],
    ])(
      'takes %s, normalised to %s, when plain http is allowed (tests, local development)',
      (url, normalised) => {
        expect(urlOf(url, true)).toBe(normalised);
      },
    );

    it.each([
      'http://hooks.example.com/kb',
      'http://localhost:3001/hook',
      'http://127.0.0.1:9000/',
      'http://[::1]:9000/',
      'http://10.0.0.7/kb',
    ])('refuses plain http %s unless the service allows it, saying how', (url) => {
      spec
        .given([])
        .when(create({ url }))
        .thenThrows(
          DomainRuleError,
          'url: must use https:// (plain http:// is allowed only when the service runs with WEBHOOK_ALLOW_PRIVATE=true, for tests and local development)',
        );
    });

    it.each([
      ['ftp://hooks.example.com/kb', 'url: must be an https:// URL (not ftp://)'],
      ['http://admin:pw@localhost/kb', /url: must not hold credentials/],
    ])('refuses %j even when plain http is allowed', (url, message) => {
      spec
        .given([])
        .when(create({ url, allowPlainHttp: true }))
        .thenThrows(DomainRuleError, message);
    });

    it.each([
      ['', 'url: must not be empty'],
      ['   ', 'url: must not be empty'],
      ['hooks.example.com/kb', 'url: must be an absolute URL'],
      ['/kb/hook', 'url: must be an absolute URL'],
      ['ftp://hooks.example.com/kb', 'url: must be an https:// URL (not ftp://)'],
      ['javascript:alert(1)', 'url: must be an https:// URL (not javascript://)'],
      ['https://user:pa55@hooks.example.com/kb', /url: must not hold credentials/],
      ['https://token@hooks.example.com/kb', /url: must not hold credentials/],
    ])('refuses %j', (url, message) => {
      spec.given([]).when(create({ url })).thenThrows(DomainRuleError, message);
    });

    it('refuses more than 2048 characters', () => {
      spec
        .given([])
        .when(create({ url: `https://hooks.example.com/${'x'.repeat(2023)}` }))
        .thenThrows(DomainRuleError, 'url: must be at most 2048 characters (it has 2049)');
    });

    it('takes exactly 2048 characters', () => {
      const url = `https://hooks.example.com/${'x'.repeat(2048 - 26)}`;
      expect(url).toHaveLength(2048);
      expect(urlOf(url)).toBe(url);
    });

    it('refuses a URL that grows over 2048 characters when normalised', () => {
      const url = `https://hooks.example.com/${' '.repeat(1000)}x`;
      spec
        .given([])
        .when(create({ url }))
        .thenThrows(DomainRuleError, /url: must be at most 2048 characters once normalised/);
    });

    it('never echoes a refused URL, which might hold a password', () => {
      const run = spec
        .given([])
        .when(create({ url: 'https://ops:Hunter2Secret@hooks.example.com/' })).decision;
      expect(run).toThrow(DomainRuleError);
      expect(run).not.toThrow(/Hunter2Secret/);
    });
  });

  describe('the event types', () => {
    it.each([
      [['IncidentReported', 'IncidentExploded'], 'eventTypes[1]', /'IncidentExploded' is not an event type/],
      [['incidentReported'], 'eventTypes[0]', /'incidentReported' is not an event type/],
      [
        ['ApiKeyCreated'],
        'eventTypes[0]',
        /'ApiKeyCreated' is not an event type of incidents or action items/,
      ],
      [['WebhookCreated'], 'eventTypes[0]', /is not an event type/],
      [[''], 'eventTypes[0]', /'' is not an event type/],
      [
        ['FindingRecorded', 'IncidentReported', 'FindingRecorded'],
        'eventTypes[2]',
        "eventTypes[2]: 'FindingRecorded' is named already, by eventTypes[0]",
      ],
    ])('refuses %j, naming %s', (eventTypes, field, message) => {
      const run = spec.given([]).when(create({ eventTypes })).decision;
      expect(run).toThrow(message);
      expect(run).toThrow(expect.objectContaining({ field }) as Error);
    });

    it('lists the known event types when it refuses one', () => {
      spec
        .given([])
        .when(create({ eventTypes: ['Nope'] }))
        .thenThrows(DomainRuleError, /they are IncidentReported, .*ActionItemReopened/);
    });

    it('refuses more than 50 names', () => {
      spec
        .given([])
        .when(create({ eventTypes: Array.from({ length: 51 }, () => 'IncidentReported') }))
        .thenThrows(DomainRuleError, 'eventTypes: must name at most 50 event types (it names 51)');
    });
  });

  describe('the secret', () => {
    const secretOf = (bytes: number, fill = 0xfb) => `whsec_${Buffer.alloc(bytes, fill).toString('base64')}`;

    it.each([
      ['32 bytes, as new secrets are', secretOf(32)],
      ['24 bytes, the least', secretOf(24)],
      ['64 bytes, the most', secretOf(64)],
      ['with + and /', secretOf(33, 0xfb)],
    ])('takes %s in standard base64', (_, secret) => {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const [event] = spec.given([]).when(create({ secret })).decision();
      expect(event.data).toMatchObject({ secret });
    });

    it('refuses one of the wrong shape without echoing it', () => {
      for (const secret of [
        '',
        'whsec_short',
        `kb_${'A'.repeat(43)}=`,
        `whsec_${'A'.repeat(42)}=`,
        secretOf(23),
        secretOf(65),
        secretOf(32).replace(/=$/, ''),
        secretOf(32, 0xfb).replace(/\+/g, '-').replace(/\//g, '_'),
        ` ${SECRET}`,
      ]) {
        const run = spec.given([]).when(create({ secret })).decision;
        expect(run).toThrow('secret: must be whsec_ and 24 to 64 bytes in standard base64, with its padding');
        if (secret) expect(run).not.toThrow(secret);
      }
    });

    it('gives no new webhook a secret in the base64url form of webhooks created before 2026-12-02', () => {
      expect(isLegacyWebhookSecret(LEGACY_SECRET)).toBe(true);
      spec
        .given([])
        .when(create({ secret: LEGACY_SECRET }))
        .thenThrows(DomainRuleError, /secret: must be whsec_ and 24 to 64 bytes in standard base64/);
    });

    it('tells the two forms apart, and never takes one for the other', () => {
      expect(isStandardWebhookSecret(SECRET)).toBe(true);
      expect(isLegacyWebhookSecret(SECRET)).toBe(false);
      expect(isStandardWebhookSecret(LEGACY_SECRET)).toBe(false);
      expect(isLegacyWebhookSecret(`whsec_${'-_'.repeat(21)}A`)).toBe(true);
      expect(isLegacyWebhookSecret(`whsec_${'+/'.repeat(21)}A`)).toBe(false);
    });
  });

  it('folds a webhook created before 2026-12-02 with its base64url secret as it was', () => {
    const old: WebhookCreated = { ...created, data: { ...created.data, secret: LEGACY_SECRET } };
    expect(evolveWebhook(initialWebhookState, old)).toMatchObject({ exists: true, secret: LEGACY_SECRET });
  });

  it('refuses to create a webhook whose id is taken', () => {
    spec
      .given([created])
      .when(create())
      .thenThrows(DomainRuleError, /webhookId: a webhook with the id/);
  });

  describe('deleting', () => {
    it('deletes an active webhook', () => {
      spec.given([created]).when(del).then([deleted]);
    });

    it('is idempotent: a deleted webhook stays deleted as of the first deletion, and nothing is written', () => {
      spec.given([created, deleted]).when(del, LATER).then([]);
      const state = [created, deleted].reduce(evolveWebhook, initialWebhookState);
      expect(state).toMatchObject({ exists: true, deletedAt: NOW.toISOString() });
    });

    it('of a webhook that does not exist says so', () => {
      spec.given([]).when(del).thenThrows(EntityNotFoundError, `id: no webhook has the id '${HOOK}'.`);
    });
  });

  it('folds its events into the webhook as it is now, secret included (for delivery)', () => {
    expect([created, deleted].reduce(evolveWebhook, initialWebhookState)).toEqual({
      exists: true,
      id: HOOK,
      url: 'https://hooks.example.com/kb?team=sre',
      eventTypes: ['IncidentReported', 'ActionItemCompleted'],
      secret: SECRET,
      createdAt: NOW.toISOString(),
      deletedAt: NOW.toISOString(),
    });
  });

  it('has version 1 of both event types in its catalogue', () => {
    expect(webhookCatalogue.versions).toEqual({ WebhookCreated: 1, WebhookDeleted: 1 });
  });
});
