import { DomainRuleError } from '@kb/domain';
import { parseAlertmanagerPayload } from './alertmanager-payload';

/** Alertmanager's webhook payload, version 4, as its documentation shows it. */
const alert = (overrides: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' },
  annotations: { summary: 'Checkout error rate above 5%' },
  startsAt: '2026-03-01T11:30:00.123456789Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph?g0.expr=...',
  fingerprint: '4f0c2d1e9b7a6c55',
  ...overrides,
});
const payload = (overrides: Record<string, unknown> = {}) => ({
  version: '4',
  groupKey: '{}/{team="payments"}:{alertname="CheckoutErrors"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'knowledge-base',
  groupLabels: { alertname: 'CheckoutErrors' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [alert()],
  ...overrides,
});

const refusal = (body: unknown) => {
  try {
    parseAlertmanagerPayload(body);
  } catch (error) {
    if (error instanceof DomainRuleError) return error.message;
    throw error;
  }
  throw new Error('the payload was taken');
};

describe("Alertmanager's webhook payload", () => {
  it('is read as status, groupKey and alerts; an endsAt of the zero time is no end', () => {
    expect(parseAlertmanagerPayload(payload())).toEqual({
      status: 'firing',
      groupKey: '{}/{team="payments"}:{alertname="CheckoutErrors"}',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' },
          annotations: { summary: 'Checkout error rate above 5%' },
          startsAt: '2026-03-01T11:30:00.123456789Z',
          endsAt: null,
          fingerprint: '4f0c2d1e9b7a6c55',
        },
      ],
    });
  });

  it('keeps the end of a resolved alert', () => {
    const [read] = parseAlertmanagerPayload(
      payload({
        status: 'resolved',
        alerts: [alert({ status: 'resolved', endsAt: '2026-03-01T12:00:00+01:00' })],
      }),
    ).alerts;
    expect(read).toMatchObject({ status: 'resolved', endsAt: '2026-03-01T12:00:00+01:00' });
  });

  it('derives a fingerprint from the sorted labels when Alertmanager (before 0.19) sends none', () => {
    const fingerprintOf = (labels: Record<string, string>) =>
      parseAlertmanagerPayload(payload({ alerts: [alert({ fingerprint: undefined, labels })] })).alerts[0]
        .fingerprint;
    const one = fingerprintOf({ alertname: 'A', instance: 'x:9100' });
    expect(one).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf({ instance: 'x:9100', alertname: 'A' })).toBe(one);
    expect(fingerprintOf({ alertname: 'A', instance: 'y:9100' })).not.toBe(one);
  });

  it('takes labels named like Object members as labels', () => {
    const labels = JSON.parse('{"alertname":"A","constructor":"c","__proto__":"p"}') as Record<
      string,
      string
    >;
    const [read] = parseAlertmanagerPayload(payload({ alerts: [alert({ labels })] })).alerts;
    expect(Object.entries(read.labels)).toEqual([
      ['alertname', 'A'],
      ['constructor', 'c'],
      ['__proto__', 'p'],
    ]);
  });

  it.each<[string, unknown, string | RegExp]>([
    ['a body that is not an object', [payload()], /^The body must be Alertmanager's webhook payload/],
    ['no body', undefined, /^The body must be/],
    [
      'version 3',
      payload({ version: '3' }),
      'version: must be "4", the version of Alertmanager\'s webhook payload (not "3")',
    ],
    ['a version that is a number', payload({ version: 4 }), /version: must be "4".*\(not 4\)/],
    ['no version', payload({ version: undefined }), /version: must be "4".*\(not missing\)/],
    [
      'an unknown status',
      payload({ status: 'pending' }),
      'status: must be "firing" or "resolved" (not "pending")',
    ],
    ['an empty groupKey', payload({ groupKey: '' }), 'groupKey: must be a non-empty string'],
    [
      'a groupKey of 1025 characters',
      payload({ groupKey: 'k'.repeat(1025) }),
      'groupKey: must be at most 1024 characters (it has 1025)',
    ],
    ['no alerts', payload({ alerts: [] }), 'alerts: must be a list of 1 to 1000 alerts'],
    ['alerts that are no list', payload({ alerts: {} }), 'alerts: must be a list of 1 to 1000 alerts'],
    [
      '1001 alerts',
      payload({ alerts: Array.from({ length: 1001 }, () => alert()) }),
      /alerts: must hold at most 1000 alerts \(it holds 1001\)/,
    ],
    ['an alert that is no object', payload({ alerts: [alert(), 'x'] }), 'alerts[1]: must be an object'],
    [
      'an unknown alert status',
      payload({ alerts: [alert({ status: 'active' })] }),
      'alerts[0].status: must be "firing" or "resolved" (not "active")',
    ],
    [
      'labels that are no object',
      payload({ alerts: [alert({ labels: ['a'] })] }),
      'alerts[0].labels: must be an object of strings',
    ],
    [
      'a label that is no string',
      payload({ alerts: [alert({ labels: { alertname: 'A', code: 500 } })] }),
      'alerts[0].labels.code: must be a string (not 500)',
    ],
    [
      '101 labels',
      payload({
        alerts: [
          alert({ labels: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`l${i}`, 'v'])) }),
        ],
      }),
      'alerts[0].labels: must hold at most 100 entries (it holds 101)',
    ],
    [
      'a label value of 1025 characters',
      payload({ alerts: [alert({ labels: { alertname: 'x'.repeat(1025) } })] }),
      'alerts[0].labels.alertname: must be at most 1024 characters (it has 1025)',
    ],
    [
      'annotations that are missing',
      payload({ alerts: [alert({ annotations: undefined })] }),
      'alerts[0].annotations: must be an object of strings',
    ],
    [
      'a startsAt that is no time',
      payload({ alerts: [alert(), alert(), alert(), alert({ startsAt: 'yesterday' })] }),
      'alerts[3].startsAt: must be an ISO-8601 time such as 2026-03-01T12:00:00Z (not "yesterday")',
    ],
    [
      'a startsAt without a zone',
      payload({ alerts: [alert({ startsAt: '2026-03-01T11:30:00' })] }),
      /alerts\[0\]\.startsAt: must be an ISO-8601 time/,
    ],
    [
      'a startsAt of the zero time',
      payload({ alerts: [alert({ startsAt: '0001-01-01T00:00:00Z' })] }),
      'alerts[0].startsAt: must be set (it is the zero time)',
    ],
    [
      'no endsAt',
      payload({ alerts: [alert({ endsAt: undefined })] }),
      /alerts\[0\]\.endsAt: must be an ISO-8601 time .*\(not missing\)/,
    ],
    [
      'an impossible date',
      payload({ alerts: [alert({ endsAt: '2026-02-31T25:00:00Z' })] }),
      /alerts\[0\]\.endsAt: must be an ISO-8601 time/,
    ],
    [
      'a fingerprint with spaces',
      payload({ alerts: [alert({ fingerprint: 'a b' })] }),
      /alerts\[0\]\.fingerprint: must be a string of 1–128 letters, digits and - _ \. :/,
    ],
    [
      'a fingerprint that is a number',
      payload({ alerts: [alert({ fingerprint: 42 })] }),
      /alerts\[0\]\.fingerprint: must be a string/,
    ],
  ])('refuses %s, naming the field and the rule', (_, body, message) => {
    expect(refusal(body)).toMatch(typeof message === 'string' ? new RegExp(`^${escape(message)}$`) : message);
  });

  it('cuts long values in its messages', () => {
    expect(refusal(payload({ version: 'v'.repeat(500) }))).toMatch(/\(not "v{56}\.\.\.\)$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
