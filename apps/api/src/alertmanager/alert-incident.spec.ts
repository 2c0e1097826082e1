import { alertIncidentOf, nameOf, severityOf } from './alert-incident';
import type { AlertmanagerAlert, AlertmanagerNotification } from './alertmanager-payload';

let next = 0;
const alert = (
  labels: Record<string, string>,
  overrides: Partial<AlertmanagerAlert> = {},
): AlertmanagerAlert => ({
  status: 'firing',
  labels,
  annotations: {},
  startsAt: '2026-03-01T11:30:00Z',
  endsAt: null,
  fingerprint: `f${String(next++).padStart(4, '0')}`,
  ...overrides,
});
const of = (...alerts: AlertmanagerAlert[]): AlertmanagerNotification => ({
  status: 'firing',
  groupKey: '{}:{alertname="CheckoutErrors"}',
  alerts,
});

describe('the incident of an alert group', () => {
  it('takes the summary of the alert that started first, its services and alert names', () => {
    const incident = alertIncidentOf(
      of(
        alert(
          { alertname: 'CheckoutLatency', service: 'checkout', severity: 'warning' },
          { annotations: { summary: 'Checkout p99 above 2 s' }, startsAt: '2026-03-01T11:40:00Z' },
        ),
        alert(
          { alertname: 'CheckoutErrors', job: 'checkout-api', severity: 'critical' },
          { annotations: { summary: '  Checkout error\n rate above 5%  ' } },
        ),
      ),
    );
    expect(incident).toEqual({
      title: 'Checkout error rate above 5%',
      severity: 'SEV2',
      services: ['checkout-api', 'checkout'],
      tags: ['alertmanager', 'checkouterrors', 'checkoutlatency'],
    });
  });

  it('takes the alertname when there is no summary, and names the group when there is neither', () => {
    expect(
      alertIncidentOf(of(alert({ alertname: 'DiskFull' }, { annotations: { summary: ' ' } }))).title,
    ).toBe('DiskFull');
    expect(alertIncidentOf(of(alert({ instance: 'x' }))).title).toBe(
      'Alerts of {}:{alertname="CheckoutErrors"}',
    );
  });

  it('cuts a long title to 200 characters with an ellipsis', () => {
    const { title } = alertIncidentOf(
      of(alert({ alertname: 'A' }, { annotations: { summary: 'word '.repeat(100) } })),
    );
    expect(title).toHaveLength(200);
    expect(title.endsWith('word…')).toBe(true);
  });

  it('counts only the firing alerts', () => {
    const incident = alertIncidentOf(
      of(
        alert(
          { alertname: 'Gone', service: 'old', severity: 'sev1' },
          { status: 'resolved', startsAt: '2026-03-01T10:00:00Z' },
        ),
        alert({ alertname: 'Here', service: 'new' }),
      ),
    );
    expect(incident).toEqual({
      title: 'Here',
      severity: 'SEV3',
      services: ['new'],
      tags: ['alertmanager', 'here'],
    });
  });

  it.each([
    ['sev1', 'SEV1'],
    ['SEV2', 'SEV2'],
    ['sev3', 'SEV3'],
    ['Sev4', 'SEV4'],
    ['sev5', 'SEV5'],
    ['critical', 'SEV2'],
    ['CRITICAL', 'SEV2'],
    ['error', 'SEV3'],
    ['major', 'SEV3'],
    ['warning', 'SEV4'],
    [' minor ', 'SEV4'],
    ['info', 'SEV5'],
    ['page', 'SEV3'],
    ['constructor', 'SEV3'],
  ])('maps the severity label %j to %s', (label, severity) => {
    expect(severityOf({ labels: { severity: label } })).toBe(severity);
  });

  it('is SEV3 for an alert without a severity label, and as severe as its most severe alert', () => {
    expect(severityOf({ labels: {} })).toBe('SEV3');
    expect(alertIncidentOf(of(alert({ severity: 'info' }), alert({ severity: 'sev1' }))).severity).toBe(
      'SEV1',
    );
    expect(alertIncidentOf(of(alert({ severity: 'info' }), alert({}))).severity).toBe('SEV3');
  });

  it('makes names of label values, each once, within the limits', () => {
    expect(nameOf('Checkout API')).toBe('checkout-api');
    expect(nameOf('node_exporter:9100/metrics')).toBe('node_exporter:9100/metrics');
    expect(nameOf('Ünïcode')).toBe('-n-code');
    expect(nameOf('x'.repeat(80))).toBe('x'.repeat(64));
    expect(nameOf('---')).toBeNull();
    const many = Array.from({ length: 40 }, (_, i) => alert({ alertname: `Alert${i}`, service: `svc-${i}` }));
    const incident = alertIncidentOf(of(...many, alert({ alertname: 'ALERT0', service: 'SVC-0' })));
    expect(incident.services).toHaveLength(20);
    expect(incident.tags).toHaveLength(30);
    expect(incident.tags.slice(0, 3)).toEqual(['alertmanager', 'alert0', 'alert1']);
  });

  it('names the service unknown when no alert has a service or job label', () => {
    expect(alertIncidentOf(of(alert({ alertname: 'A' }), alert({ service: '***' }))).services).toEqual([
      'unknown',
    ]);
  });
});
