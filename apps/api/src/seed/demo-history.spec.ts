import { createHash } from 'node:crypto';
import type { EventToAppend } from '@kb/event-store';
import {
  FACTOR_CATEGORIES,
  FINDING_KINDS,
  type ActionItemOpened,
  type ExperimentConcluded,
  type ExperimentPlanned,
  type FindingRecorded,
  type IncidentReported,
  type IncidentsLinked,
  type MilestoneRecorded,
  type PostmortemDueSet,
  type PostmortemPublished,
} from '@kb/domain';
import {
  demoHistory,
  RECURRENCE_WINDOW_MS,
  type DemoHistoryOptions,
  type DemoIncident,
} from './demo-history';
import { demoWorld } from './demo-world';
import { DomainReplay } from './testing/domain-replay';

const UNTIL = new Date('2026-11-01T00:00:00.000Z');
const options = (overrides: Partial<DemoHistoryOptions> = {}): DemoHistoryOptions => ({
  incidents: 2000,
  seed: 42,
  until: UNTIL,
  years: 3,
  ...overrides,
});
const digest = (incidents: Iterable<DemoIncident>) => {
  const hash = createHash('sha256');
  for (const incident of incidents) hash.update(JSON.stringify(incident));
  return hash.digest('hex');
};

describe('the demo history', () => {
  // Each test generates or replays a few thousand incidents: a second or two, more on a busy machine.
  jest.setTimeout(30_000);
  describe('is deterministic', () => {
    it('gives byte-identical streams (ids, payloads, metadata) for the same options', () => {
      expect(digest(demoHistory(options({ incidents: 200 })))).toBe(
        digest(demoHistory(options({ incidents: 200 }))),
      );
    });

    it('gives another history for another seed, count, end or span', () => {
      const base = digest(demoHistory(options({ incidents: 200 })));
      expect(digest(demoHistory(options({ incidents: 200, seed: 43 })))).not.toBe(base);
      expect(digest(demoHistory(options({ incidents: 201 })))).not.toBe(base);
      expect(digest(demoHistory(options({ incidents: 200, years: 2 })))).not.toBe(base);
      expect(
        digest(demoHistory(options({ incidents: 200, until: new Date('2026-10-01T00:00:00Z') }))),
      ).not.toBe(base);
    });

    it('never reuses an id across two histories', () => {
      const ids = (o: DemoHistoryOptions) =>
        [...demoHistory(o)].flatMap((i) =>
          i.streams.flatMap((s) => [s.streamId, ...s.events.map((e) => e.id)]),
        );
      const first = new Set(ids(options({ incidents: 100 })));
      expect(first.size).toBeGreaterThan(1000);
      expect(ids(options({ incidents: 100, seed: 7 })).filter((id) => first.has(id))).toEqual([]);
    });
  });

  describe('at 2,000 incidents', () => {
    const history = [...demoHistory(options())];
    const incidentEvents = history.flatMap((i) => i.streams[0].events);
    const itemStreams = history.flatMap((i) => i.streams.slice(1));
    const reported = incidentEvents
      .filter((e) => e.type === 'IncidentReported')
      .map((e) => e.data as IncidentReported['data']);
    const share = (n: number) => n / reported.length;
    const ofType = <T>(type: string) => incidentEvents.filter((e) => e.type === type).map((e) => e.data as T);

    it('is accepted by the deciders, decision by decision, with the metadata of the command path', () => {
      const replay = new DomainReplay();
      for (const incident of history) replay.replay(incident);
    });

    it('(and the replay would notice a history the deciders refuse)', () => {
      const resolved = history.find((i) =>
        i.streams[0].events.some(
          (e) =>
            e.type === 'MilestoneRecorded' && (e.data as MilestoneRecorded['data']).milestone === 'RESOLVED',
        ),
      )!;
      const tampered = (change: (events: EventToAppend[]) => EventToAppend[]): DemoIncident => ({
        ...resolved,
        streams: [{ ...resolved.streams[0], events: change(structuredClone(resolved.streams[0].events)) }],
      });
      const resolvedAt = (events: EventToAppend[]) =>
        events.find(
          (e) =>
            e.type === 'MilestoneRecorded' && (e.data as MilestoneRecorded['data']).milestone === 'RESOLVED',
        )!;
      // Resolved before it started.
      expect(() =>
        new DomainReplay().replay(
          tampered((events) => {
            (resolvedAt(events).data as { at: string }).at = '2020-01-01T00:00:00.000Z';
            return events;
          }),
        ),
      ).toThrow(/must not be before/);
      // A status change left out.
      expect(() =>
        new DomainReplay().replay(
          tampered((events) => events.filter((e) => e.type !== 'IncidentStatusChanged')),
        ),
      ).toThrow(/the deciders decide/);
    });

    it('happens between --until minus --years and --until, in order of startedAt', () => {
      const starts = reported.map((r) => Date.parse(r.startedAt));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(Math.min(...starts)).toBeGreaterThanOrEqual(UNTIL.getTime() - 3 * 366 * 86_400_000);
      const occurred = history.flatMap((i) =>
        i.streams.flatMap((s) => s.events.map((e) => (e.metadata as { occurredAt: string }).occurredAt)),
      );
      expect(occurred.every((at) => at <= UNTIL.toISOString())).toBe(true);
    });

    it('has about 300 services in about 40 teams, with a skewed popularity', () => {
      const world = demoWorld(42);
      expect(world.services.length).toBeGreaterThan(250);
      expect(world.services.length).toBeLessThan(350);
      expect(world.teams.length).toBe(40);
      const counts = new Map<string, number>();
      for (const r of reported) counts.set(r.services[0], (counts.get(r.services[0]) ?? 0) + 1);
      const sorted = [...counts.values()].sort((a, b) => b - a);
      // The ten most affected services have far more than their 3% share of the services.
      expect(sorted.slice(0, 10).reduce((a, b) => a + b, 0) / reported.length).toBeGreaterThan(0.2);
    });

    it('is mostly incidents, ~15% near-misses, some chaos experiments and game days', () => {
      const kinds = count(reported.map((r) => r.kind));
      expect(share(kinds.INCIDENT)).toBeGreaterThan(0.75);
      expect(share(kinds.NEAR_MISS)).toBeGreaterThan(0.11);
      expect(share(kinds.NEAR_MISS)).toBeLessThan(0.19);
      expect(kinds.CHAOS_EXPERIMENT).toBeGreaterThan(10);
      expect(kinds.GAME_DAY).toBeGreaterThan(5);
    });

    it('has severities skewed to SEV3–4', () => {
      const severities = count(reported.map((r) => r.severity));
      expect(share(severities.SEV3 + severities.SEV4)).toBeGreaterThan(0.6);
      expect(share(severities.SEV1)).toBeLessThan(0.04);
      expect(severities.SEV1).toBeGreaterThan(0);
    });

    it('follows a weekly, daily and seasonal rhythm', () => {
      const starts = reported.map((r) => new Date(r.startedAt));
      const weekdays = starts.filter((d) => d.getUTCDay() >= 1 && d.getUTCDay() <= 5).length / 5;
      const weekends = starts.filter((d) => d.getUTCDay() === 0 || d.getUTCDay() === 6).length / 2;
      expect(weekdays).toBeGreaterThan(1.6 * weekends);
      const afternoon = starts.filter((d) => d.getUTCHours() >= 12 && d.getUTCHours() < 16).length;
      const night = starts.filter((d) => d.getUTCHours() >= 2 && d.getUTCHours() < 6).length;
      expect(afternoon).toBeGreaterThan(3 * night);
      const november = starts.filter((d) => d.getUTCMonth() === 10).length;
      const august = starts.filter((d) => d.getUTCMonth() === 7).length;
      expect(november).toBeGreaterThan(1.3 * august);
    });

    it('detects customer reports later than monitoring alerts (log-normal delays)', () => {
      const delays = (source: string) =>
        median(
          history
            .map((i) => detectionDelay(i))
            .filter((d): d is { source: string; ms: number } => d !== undefined && d.source === source)
            .map((d) => d.ms),
        );
      expect(delays('CUSTOMER_REPORT')).toBeGreaterThan(5 * delays('MONITORING_ALERT'));
    });

    it('records every milestone, resolves most incidents and leaves recent ones open', () => {
      const milestones = count(
        ofType<MilestoneRecorded['data']>('MilestoneRecorded').map((m) => m.milestone),
      );
      expect(milestones.ACKNOWLEDGED).toBeGreaterThan(0.7 * reported.length);
      expect(milestones.MITIGATED).toBeGreaterThan(0.7 * reported.length);
      expect(milestones.RESOLVED).toBeGreaterThan(0.95 * reported.length);
      expect(ofType('IncidentReopened').length).toBeGreaterThan(0);
      expect(ofType('PostmortemPublished').length).toBeGreaterThan(0.3 * reported.length);
    });

    it('has findings of every kind and causal findings in every factor category', () => {
      const findings = ofType<FindingRecorded['data']>('FindingRecorded');
      expect(Object.keys(count(findings.map((f) => f.kind))).sort()).toEqual([...FINDING_KINDS].sort());
      const causal = findings.filter((f) => f.kind === 'TRIGGER' || f.kind === 'CONTRIBUTING_FACTOR');
      expect(Object.keys(count(causal.map((f) => f.category ?? 'none'))).sort()).toEqual(
        [...FACTOR_CATEGORIES].sort(),
      );
      expect(ofType('FindingRevised').length).toBeGreaterThan(0);
      expect(ofType('FindingRetracted').length).toBeGreaterThan(0);
    });

    it('has recurring failures: RECURRENCE_OF links and repeats of (service, category) within 90 days', () => {
      const links = ofType<IncidentsLinked['data']>('IncidentsLinked');
      expect(links.filter((l) => l.relation === 'RECURRENCE_OF').length).toBeGreaterThan(
        0.05 * reported.length,
      );
      expect(new Set(links.map((l) => l.relation)).size).toBeGreaterThanOrEqual(3);
      const last = new Map<string, number>();
      let repeats = 0;
      for (const incident of history) {
        const r = incident.streams[0].events[0].data as IncidentReported['data'];
        const trigger = incident.streams[0].events
          .filter((e) => e.type === 'FindingRecorded')
          .map((e) => e.data as FindingRecorded['data'])
          .find((f) => f.kind === 'TRIGGER');
        if (!trigger) continue;
        const key = `${r.services[0]}|${trigger.category}`;
        const at = Date.parse(r.startedAt);
        if (at - (last.get(key) ?? -Infinity) <= RECURRENCE_WINDOW_MS) repeats += 1;
        last.set(key, at);
      }
      expect(repeats / reported.length).toBeGreaterThan(0.1);
    });

    it('tells a recurrence in the words of the failure it repeats: its title and quoted error', () => {
      const byId = new Map(reported.map((r) => [r.incidentId, r]));
      const textsOf = (incidentId: string) =>
        history
          .find((i) => i.incidentId === incidentId)!
          .streams[0].events.map((e) => JSON.stringify(e.data))
          .join(' ');
      const quoted = (text: string) => new Set(text.match(/\\"[^"\\]+\\"/g) ?? []);
      const recurrences = ofType<IncidentsLinked['data']>('IncidentsLinked').filter(
        (l) => l.relation === 'RECURRENCE_OF',
      );
      expect(recurrences.length).toBeGreaterThan(50);
      let bothQuote = 0;
      for (const link of recurrences) {
        const later = byId.get(link.incidentId)!;
        const earlier = byId.get(link.relatedIncidentId)!;
        expect(later.title.replace(/^Near miss: /, '')).toBe(earlier.title.replace(/^Near miss: /, ''));
        const [a, b] = [quoted(textsOf(later.incidentId)), quoted(textsOf(earlier.incidentId))];
        if (a.size === 0 || b.size === 0) continue;
        bothQuote += 1;
        expect([...a].filter((q) => b.has(q))).not.toEqual([]);
      }
      // An incident without summary, trigger or timeline has no error quoted: few do.
      expect(bothQuote / recurrences.length).toBeGreaterThan(0.8);
      // Other failures of a service and category draw their own error: most titles-with-errors differ.
      const errors = new Set(reported.flatMap((r) => [...quoted(JSON.stringify(r.summary ?? ''))]));
      expect(errors.size).toBeGreaterThan(40);
    });

    it('has action items of every type and priority: done, in progress, dropped with a reason, overdue', () => {
      const opened = itemStreams.map((s) => s.events[0].data as ActionItemOpened['data']);
      expect(opened.length).toBeGreaterThan(0.7 * reported.length);
      expect(Object.keys(count(opened.map((o) => o.type))).length).toBe(6);
      expect(Object.keys(count(opened.map((o) => o.priority))).length).toBe(4);
      expect(new Set(opened.map((o) => o.ownerTeam)).size).toBeGreaterThan(30);
      const status = itemStreams.map((s) => finalStatus(s.events.map((e) => e.type)));
      const statuses = count(status);
      expect(statuses.DONE).toBeGreaterThan(0.4 * opened.length);
      expect(statuses.WONT_DO).toBeGreaterThan(0.03 * opened.length);
      expect(statuses.IN_PROGRESS).toBeGreaterThan(0);
      const overdue = opened.filter(
        (o, i) =>
          o.dueDate !== null &&
          o.dueDate < UNTIL.toISOString() &&
          (status[i] === 'OPEN' || status[i] === 'IN_PROGRESS'),
      );
      expect(overdue.length).toBeGreaterThan(0.05 * opened.length);
      expect(overdue.length).toBeLessThan(0.4 * opened.length);
    });

    it('shows the learning loop: experiments with plans and every outcome, postmortems and items early and late', () => {
      const kinds = new Map(reported.map((r) => [r.incidentId, r.kind]));
      const planned = ofType<ExperimentPlanned['data']>('ExperimentPlanned');
      const concluded = ofType<ExperimentConcluded['data']>('ExperimentConcluded');
      const experiments = reported.filter((r) => r.kind === 'CHAOS_EXPERIMENT' || r.kind === 'GAME_DAY');
      expect(new Set(planned.map((p) => p.incidentId)).size).toBe(experiments.length);
      expect(
        planned.every((p) => ['CHAOS_EXPERIMENT', 'GAME_DAY'].includes(kinds.get(p.incidentId) ?? '')),
      ).toBe(true);
      expect(planned.length).toBeGreaterThan(experiments.length); // some plans are revised
      const outcomes = count(concluded.map((c) => c.outcome));
      expect(outcomes.HELD).toBeGreaterThan(outcomes.REFUTED);
      expect(outcomes.REFUTED).toBeGreaterThan(outcomes.ABORTED);
      expect(outcomes.ABORTED).toBeGreaterThan(0);

      // Postmortems of major incidents published before their deadline and after it.
      const due = new Map(
        ofType<PostmortemDueSet['data']>('PostmortemDueSet').map((d) => [d.incidentId, d.dueAt]),
      );
      const published = ofType<PostmortemPublished['data']>('PostmortemPublished').filter((p) =>
        due.has(p.incidentId),
      );
      const late = published.filter((p) => p.publishedAt > (due.get(p.incidentId) as string));
      expect(late.length).toBeGreaterThan(0);
      expect(published.length - late.length).toBeGreaterThan(late.length);

      // Action items done before their due date and after it.
      const done = itemStreams.flatMap((stream) => {
        const dueDate = (stream.events[0].data as ActionItemOpened['data']).dueDate;
        const completed = stream.events.find((e) => e.type === 'ActionItemCompleted');
        return dueDate && completed
          ? [(completed.data as { completedAt: string }).completedAt <= dueDate]
          : [];
      });
      expect(done.filter((onTime) => onTime).length).toBeGreaterThan(0);
      expect(done.filter((onTime) => !onTime).length).toBeGreaterThan(0);
    });

    it('has timeline entries with ids <incidentId>:t<n>', () => {
      const entries = ofType<{ incidentId: string; entryId: string }>('TimelineEntryAdded');
      expect(entries.length).toBeGreaterThan(reported.length);
      expect(entries.every((e) => new RegExp(`^${e.incidentId}:t\\d+$`).test(e.entryId))).toBe(true);
    });
  });
});

function count<T extends string>(values: readonly T[]): Record<T, number> {
  const result = {} as Record<T, number>;
  for (const value of values) result[value] = (result[value] ?? 0) + 1;
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function detectionDelay(incident: DemoIncident): { source: string; ms: number } | undefined {
  const events = incident.streams[0].events;
  const r = events[0].data as IncidentReported['data'];
  const detected =
    r.detectedAt ??
    events
      .filter((e) => e.type === 'MilestoneRecorded')
      .map((e) => e.data as MilestoneRecorded['data'])
      .find((m) => m.milestone === 'DETECTED')?.at;
  return detected
    ? { source: r.detectionSource, ms: Date.parse(detected) - Date.parse(r.startedAt) }
    : undefined;
}

function finalStatus(types: readonly string[]): string {
  let status = 'OPEN';
  for (const type of types)
    if (type === 'ActionItemStarted') status = 'IN_PROGRESS';
    else if (type === 'ActionItemCompleted') status = 'DONE';
    else if (type === 'ActionItemDropped') status = 'WONT_DO';
    else if (type === 'ActionItemReopened') status = 'OPEN';
  return status;
}
