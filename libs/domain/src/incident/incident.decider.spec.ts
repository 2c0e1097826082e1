import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import { deciderSpecification, NOW } from '../testing/decider-specification';
import { decideIncident, type IncidentCommand } from './incident.decider';
import type { IncidentEvent, IncidentReported } from './incident.events';
import {
  MAX_EVENTS_PER_INCIDENT,
  MAX_FINDINGS_PER_INCIDENT,
  MAX_LINKS_PER_INCIDENT,
  MAX_TIMELINE_ENTRIES_PER_INCIDENT,
} from '../shared/stream-limits';
import { findingIdOf, timelineEntryIdOf } from './incident.ids';
import { evolveIncident, initialIncidentState, type IncidentState } from './incident.state';

const spec = deciderSpecification<IncidentCommand, IncidentEvent, IncidentState>({
  decide: decideIncident,
  evolve: evolveIncident,
  initialState: initialIncidentState,
});

const ID = '0b7c6a52-52c4-4d5e-9a7e-6f3f1f1f0001';
const OTHER = '0b7c6a52-52c4-4d5e-9a7e-6f3f1f1f0002';
const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000Z`;

const reported: IncidentReported = {
  type: 'IncidentReported',
  data: {
    incidentId: ID,
    title: 'Checkout errors after config push',
    summary: null,
    kind: 'INCIDENT',
    severity: 'SEV2',
    services: ['checkout'],
    tags: [],
    detectionSource: 'MONITORING_ALERT',
    startedAt: at('10:00'),
    detectedAt: at('10:05'),
    reportedAt: at('10:06'),
  },
};
const milestone = (
  m: 'DETECTED' | 'ACKNOWLEDGED' | 'MITIGATED' | 'RESOLVED',
  time: string,
  previousAt: string | null = null,
): IncidentEvent => ({
  type: 'MilestoneRecorded',
  data: { incidentId: ID, milestone: m, at: time, previousAt },
});
const status = (from: string, to: string) =>
  ({ type: 'IncidentStatusChanged', data: { incidentId: ID, from, to } }) as IncidentEvent;
const finding = (n: number, kind = 'TRIGGER', category: string | null = 'CONFIG_CHANGE'): IncidentEvent =>
  ({
    type: 'FindingRecorded',
    data: {
      incidentId: ID,
      findingId: findingIdOf(ID, n),
      kind,
      category,
      description: 'A config push removed a pool limit.',
    },
  }) as IncidentEvent;
const resolved = [
  reported,
  milestone('MITIGATED', at('10:20')),
  status('OPEN', 'MITIGATED'),
  milestone('RESOLVED', at('11:00')),
  status('MITIGATED', 'RESOLVED'),
];

/** The postmortem policy's deadline, `days` after `resolvedAt`. */
const dueSet = (resolvedAt: string, days: number): IncidentEvent => ({
  type: 'PostmortemDueSet',
  data: {
    incidentId: ID,
    dueAt: new Date(Date.parse(resolvedAt) + days * 86_400_000).toISOString(),
    resolvedAt,
    policyDays: days,
  },
});

const cmd = <T extends IncidentCommand['type']>(
  type: T,
  fields: Omit<Extract<IncidentCommand, { type: T }>, 'type' | 'incidentId'>,
) => ({ type, incidentId: ID, ...fields }) as IncidentCommand;

describe('incident rules', () => {
  describe('reporting', () => {
    const report = (overrides: Record<string, unknown> = {}) =>
      cmd('ReportIncident', {
        title: '  Checkout errors after config push ',
        kind: 'INCIDENT',
        severity: 'SEV2',
        services: ['checkout'],
        detectionSource: 'MONITORING_ALERT',
        startedAt: '2026-03-01T10:00:00Z',
        detectedAt: '2026-03-01T11:05:00+01:00',
        ...overrides,
      });

    it('records the incident with trimmed text and times in UTC with milliseconds', () => {
      spec
        .given([])
        .when(report())
        .then([
          {
            type: 'IncidentReported',
            data: { ...reported.data, reportedAt: NOW.toISOString() },
          },
        ]);
    });

    it('reports near-misses, chaos experiments and game days as readily as incidents', () => {
      for (const kind of ['NEAR_MISS', 'CHAOS_EXPERIMENT', 'GAME_DAY']) {
        const [event] = spec.given([]).when(report({ kind })).decision();
        expect(event).toMatchObject({ type: 'IncidentReported', data: { kind } });
      }
    });

    it.each([
      ['title', { title: '   ' }, /title: must not be empty/],
      ['title', { title: 'x'.repeat(201) }, /title: must be at most 200 characters/],
      ['summary', { summary: 'x'.repeat(20_001) }, /summary: must be at most 20000 characters/],
      ['services', { services: [] }, /services: must name at least 1/],
      [
        'services',
        { services: Array.from({ length: 21 }, (_, i) => `svc-${i}`) },
        /services: must name at most 20/,
      ],
      [
        'services[0]',
        { services: ['Checkout'] },
        /services\[0\]: 'Checkout' may hold only lowercase letters/,
      ],
      ['services[0]', { services: ['x'.repeat(65)] }, /services\[0\]: must be 1–64 characters/],
      ['tags', { tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }, /tags: must name at most 30/],
      ['tags[1]', { tags: ['ok', 'not ok'] }, /tags\[1\]/],
      ['kind', { kind: 'OUTAGE' }, /kind: must be one of INCIDENT, NEAR_MISS/],
      ['startedAt', { startedAt: 'yesterday' }, /startedAt: 'yesterday' is not an RFC 3339 date-time/],
      [
        'startedAt',
        { startedAt: '2026-03-01T12:05:01Z', detectedAt: null },
        /startedAt: must not be more than 5 minutes in the future/,
      ],
      ['detectedAt', { detectedAt: '2026-03-01T09:59:59Z' }, /detectedAt: must not be before startedAt/],
    ])('refuses a bad %s, naming the field and the rule', (_field, overrides, message) => {
      spec.given([]).when(report(overrides)).thenThrows(DomainRuleError, message);
    });

    it('accepts a start up to 5 minutes ahead (clock skew) and drops duplicate services', () => {
      const [event] = spec
        .given([])
        .when(report({ startedAt: '2026-03-01T12:05:00Z', detectedAt: null, services: ['a', 'b', 'a'] }))
        .decision();
      expect(event.data).toMatchObject({ startedAt: '2026-03-01T12:05:00.000Z', services: ['a', 'b'] });
    });

    it('refuses a second report of the same incident', () => {
      spec
        .given([reported])
        .when(report())
        .thenThrows(DomainRuleError, /already exists/);
    });
  });

  describe('every other command needs an existing incident', () => {
    it('says which id names nothing', () => {
      spec
        .given([])
        .when(cmd('AddTimelineEntry', { at: at('10:00'), text: 'x' }))
        .thenThrows(EntityNotFoundError, ID);
    });
  });

  describe('time order: startedAt ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved', () => {
    it('records a milestone in order', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'ACKNOWLEDGED', at: at('10:07') }))
        .then([milestone('ACKNOWLEDGED', at('10:07'))]);
    });

    it('refuses a milestone before an earlier one', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'ACKNOWLEDGED', at: at('10:04') }))
        .thenThrows(DomainRuleError, 'at: must not be before detectedAt (2026-03-01T10:05:00.000Z)');
    });

    it('refuses a correction that would put a milestone after a later one', () => {
      spec
        .given([reported, milestone('MITIGATED', at('10:20')), status('OPEN', 'MITIGATED')])
        .when(cmd('RecordMilestone', { milestone: 'DETECTED', at: at('10:30') }))
        .thenThrows(DomainRuleError, 'at: must not be after mitigatedAt (2026-03-01T10:20:00.000Z)');
    });

    it('refuses a milestone before the start or in the future', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'RESOLVED', at: at('09:00') }))
        .thenThrows(DomainRuleError, /must not be before startedAt/);
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'RESOLVED', at: '2026-03-01T12:06:00Z' }))
        .thenThrows(DomainRuleError, /5 minutes in the future/);
    });

    it('records a milestone again as a correction, naming the time it replaces', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'DETECTED', at: at('10:03') }))
        .then([milestone('DETECTED', at('10:03'), at('10:05'))]);
    });

    it('refuses a revised startedAt that would come after a milestone', () => {
      spec
        .given([reported])
        .when(cmd('ReviseIncident', { startedAt: at('10:06') }))
        .thenThrows(DomainRuleError, 'startedAt: must not be after detectedAt (2026-03-01T10:05:00.000Z)');
    });

    it('accepts a revised startedAt that keeps the order', () => {
      spec
        .given([reported])
        .when(cmd('ReviseIncident', { startedAt: at('09:50') }))
        .then([{ type: 'IncidentRevised', data: { incidentId: ID, changes: { startedAt: at('09:50') } } }]);
    });
  });

  describe('status', () => {
    it('MITIGATED moves an OPEN incident to MITIGATED', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'MITIGATED', at: at('10:20') }))
        .then([milestone('MITIGATED', at('10:20')), status('OPEN', 'MITIGATED')]);
    });

    it('RESOLVED moves an OPEN or MITIGATED incident to RESOLVED', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'RESOLVED', at: at('11:00') }))
        .then([milestone('RESOLVED', at('11:00')), status('OPEN', 'RESOLVED'), dueSet(at('11:00'), 5)]);
    });

    it('milestones never move an incident back: a correction in IN_REVIEW keeps the status', () => {
      spec
        .given([...resolved, finding(1), status('RESOLVED', 'IN_REVIEW')])
        .when(cmd('RecordMilestone', { milestone: 'MITIGATED', at: at('10:25') }))
        .then([milestone('MITIGATED', at('10:25'), at('10:20'))]);
    });

    it('a finding recorded on a RESOLVED incident moves it to IN_REVIEW', () => {
      spec
        .given(resolved)
        .when(
          cmd('RecordFinding', {
            kind: 'TRIGGER',
            category: 'CONFIG_CHANGE',
            description: 'A config push removed a pool limit.',
          }),
        )
        .then([finding(1), status('RESOLVED', 'IN_REVIEW')]);
    });

    it('a finding recorded on an OPEN incident leaves the status alone', () => {
      spec
        .given([reported])
        .when(
          cmd('RecordFinding', {
            kind: 'TRIGGER',
            category: 'CONFIG_CHANGE',
            description: 'A config push removed a pool limit.',
          }),
        )
        .then([finding(1)]);
    });

    it('publishing a postmortem needs RESOLVED or IN_REVIEW', () => {
      spec
        .given([reported, finding(1)])
        .when(cmd('PublishPostmortem', { summary: 's', impact: 'i' }))
        .thenThrows(DomainRuleError, /once the incident is RESOLVED or IN_REVIEW; it is OPEN/);
    });

    it('publishing a postmortem needs a finding that is not retracted', () => {
      const retracted: IncidentEvent = {
        type: 'FindingRetracted',
        data: { incidentId: ID, findingId: findingIdOf(ID, 1), reason: 'wrong incident' },
      };
      spec
        .given([...resolved, finding(1), status('RESOLVED', 'IN_REVIEW'), retracted])
        .when(cmd('PublishPostmortem', { summary: 's', impact: 'i' }))
        .thenThrows(DomainRuleError, /at least one finding that is not retracted/);
    });

    it('publishing a postmortem closes the incident', () => {
      spec
        .given([...resolved, finding(1), status('RESOLVED', 'IN_REVIEW')])
        .when(
          cmd('PublishPostmortem', {
            summary: ' What happened ',
            impact: '12% of checkouts failed for 55 minutes',
          }),
        )
        .then([
          {
            type: 'PostmortemPublished',
            data: {
              incidentId: ID,
              summary: 'What happened',
              impact: '12% of checkouts failed for 55 minutes',
              publishedAt: NOW.toISOString(),
            },
          },
          status('IN_REVIEW', 'CLOSED'),
        ]);
    });

    it.each([
      ['MITIGATED', [reported, milestone('MITIGATED', at('10:20')), status('OPEN', 'MITIGATED')]],
      ['RESOLVED', resolved],
      ['CLOSED', [...resolved, finding(1), status('RESOLVED', 'IN_REVIEW'), status('IN_REVIEW', 'CLOSED')]],
    ])('reopening goes back to OPEN from %s, with the reason', (from, given) => {
      spec
        .given(given)
        .when(cmd('ReopenIncident', { reason: 'Errors came back at 14:00' }))
        .then([
          {
            type: 'IncidentReopened',
            data: { incidentId: ID, reason: 'Errors came back at 14:00', previousStatus: from },
          } as IncidentEvent,
        ]);
    });

    it('reopening needs a reason and a status later than OPEN', () => {
      spec
        .given(resolved)
        .when(cmd('ReopenIncident', { reason: ' ' }))
        .thenThrows(DomainRuleError, 'reason: must not be empty');
      spec
        .given([reported])
        .when(cmd('ReopenIncident', { reason: 'why' }))
        .thenThrows(DomainRuleError, /already OPEN/);
    });
  });

  describe('findings', () => {
    it.each(['TRIGGER', 'CONTRIBUTING_FACTOR'])('%s needs a category', (kind) => {
      spec
        .given([reported])
        .when(cmd('RecordFinding', { kind, description: 'Pool limit removed' }))
        .thenThrows(DomainRuleError, `category: is required for ${kind} findings`);
    });

    it.each(['LESSON_LEARNED', 'WENT_WELL', 'GOT_LUCKY'])('%s needs no category', (kind) => {
      spec
        .given([reported])
        .when(cmd('RecordFinding', { kind, description: 'Rollback took 2 minutes' }))
        .then(
          [finding(1, kind, null)].map(
            (e) => ({ ...e, data: { ...e.data, description: 'Rollback took 2 minutes' } }) as IncidentEvent,
          ),
        );
    });

    it('numbers findings within their incident', () => {
      const [event] = spec
        .given([reported, finding(1), finding(2)])
        .when(cmd('RecordFinding', { kind: 'LESSON_LEARNED', description: 'Canary configs too' }))
        .decision();
      expect(event.data).toMatchObject({ findingId: `${ID}:f3` });
    });

    it('a revision changes only the fields given, and still needs a category for causal kinds', () => {
      const lesson = finding(1, 'LESSON_LEARNED', null);
      spec
        .given([reported, lesson])
        .when(cmd('ReviseFinding', { findingId: findingIdOf(ID, 1), kind: 'CONTRIBUTING_FACTOR' }))
        .thenThrows(DomainRuleError, /category: is required for CONTRIBUTING_FACTOR/);
      spec
        .given([reported, lesson])
        .when(
          cmd('ReviseFinding', {
            findingId: findingIdOf(ID, 1),
            kind: 'CONTRIBUTING_FACTOR',
            category: 'MONITORING_GAP',
          }),
        )
        .then([
          {
            type: 'FindingRevised',
            data: {
              incidentId: ID,
              findingId: findingIdOf(ID, 1),
              changes: { kind: 'CONTRIBUTING_FACTOR', category: 'MONITORING_GAP' },
            },
          },
        ]);
    });

    it('a revision that changes nothing appends nothing', () => {
      spec
        .given([reported, finding(1)])
        .when(cmd('ReviseFinding', { findingId: findingIdOf(ID, 1), category: 'CONFIG_CHANGE' }))
        .then([]);
    });

    it('a retracted finding stays in the history but can no longer be revised or retracted', () => {
      const retracted: IncidentEvent = {
        type: 'FindingRetracted',
        data: { incidentId: ID, findingId: findingIdOf(ID, 1), reason: 'duplicate' },
      };
      spec
        .given([reported, finding(1)])
        .when(cmd('RetractFinding', { findingId: findingIdOf(ID, 1), reason: 'duplicate' }))
        .then([retracted]);
      spec
        .given([reported, finding(1), retracted])
        .when(cmd('ReviseFinding', { findingId: findingIdOf(ID, 1), description: 'new' }))
        .thenThrows(DomainRuleError, /retracted/);
    });

    it('a finding of another incident, or no finding at all, is not found', () => {
      spec
        .given([reported, finding(1)])
        .when(cmd('RetractFinding', { findingId: findingIdOf(OTHER, 1), reason: 'x' }))
        .thenThrows(EntityNotFoundError, /findingId/);
      spec
        .given([reported])
        .when(cmd('RetractFinding', { findingId: findingIdOf(ID, 9), reason: 'x' }))
        .thenThrows(EntityNotFoundError, /findingId/);
    });
  });

  describe('links', () => {
    const linkTo = (relation: string, startedAt: string | null, id = OTHER) =>
      cmd('LinkIncidents', { relation, related: { id, startedAt } });
    const linked: IncidentEvent = {
      type: 'IncidentsLinked',
      data: { incidentId: ID, relatedIncidentId: OTHER, relation: 'RECURRENCE_OF' },
    };

    it('links a recurrence of an incident that started earlier', () => {
      spec.given([reported]).when(linkTo('RECURRENCE_OF', '2026-02-01T00:00:00.000Z')).then([linked]);
    });

    it('refuses RECURRENCE_OF to an incident that started later', () => {
      spec
        .given([reported])
        .when(linkTo('RECURRENCE_OF', at('10:30')))
        .thenThrows(DomainRuleError, /started earlier/);
    });

    it('refuses a link to itself, a duplicate link, and an incident that does not exist', () => {
      spec
        .given([reported])
        .when(linkTo('RELATED_TO', at('10:00'), ID))
        .thenThrows(DomainRuleError, /itself/);
      spec
        .given([reported, linked])
        .when(linkTo('RECURRENCE_OF', '2026-02-01T00:00:00.000Z'))
        .thenThrows(DomainRuleError, /already linked/);
      spec
        .given([reported])
        .when(linkTo('RELATED_TO', null))
        .thenThrows(EntityNotFoundError, /relatedIncidentId/);
    });

    it('allows a second link to the same incident under another relation', () => {
      spec
        .given([reported, linked])
        .when(linkTo('CAUSED_BY', '2026-02-01T00:00:00.000Z'))
        .then([
          {
            type: 'IncidentsLinked',
            data: { incidentId: ID, relatedIncidentId: OTHER, relation: 'CAUSED_BY' },
          },
        ]);
    });
  });

  describe('revising details', () => {
    it('changes only the fields given and leaves out the unchanged ones', () => {
      spec
        .given([reported])
        .when(
          cmd('ReviseIncident', {
            severity: 'SEV1',
            title: 'Checkout errors after config push',
            tags: ['config'],
          }),
        )
        .then([
          {
            type: 'IncidentRevised',
            data: { incidentId: ID, changes: { severity: 'SEV1', tags: ['config'] } },
          },
        ]);
    });

    it('refuses a revision with no field', () => {
      spec
        .given([reported])
        .when(cmd('ReviseIncident', {}))
        .thenThrows(DomainRuleError, /at least one field/);
    });
  });

  describe('timeline', () => {
    it('adds an entry with an id of its incident', () => {
      spec
        .given([reported])
        .when(cmd('AddTimelineEntry', { at: at('10:01'), text: ' Deploy 4711 finished ' }))
        .then([
          {
            type: 'TimelineEntryAdded',
            data: { incidentId: ID, entryId: `${ID}:t1`, at: at('10:01'), text: 'Deploy 4711 finished' },
          },
        ]);
    });
  });

  describe('experiments', () => {
    const experiment: IncidentReported = {
      ...reported,
      data: { ...reported.data, kind: 'CHAOS_EXPERIMENT', detectionSource: 'CHAOS_EXPERIMENT' },
    };
    const planInput = {
      hypothesis: '  Checkout survives the loss of one database replica ',
      steadyState: 'checkout p99 < 300 ms and error rate < 0.1 %',
      blastRadius: ['checkout', 'payments-db', 'checkout'],
      abortConditions: 'error rate above 1 % for 2 minutes',
      plannedFor: '2026-03-10T15:00:00+01:00',
    };
    const planned: IncidentEvent = {
      type: 'ExperimentPlanned',
      data: {
        incidentId: ID,
        hypothesis: 'Checkout survives the loss of one database replica',
        steadyState: 'checkout p99 < 300 ms and error rate < 0.1 %',
        blastRadius: ['checkout', 'payments-db'],
        abortConditions: 'error rate above 1 % for 2 minutes',
        plannedFor: '2026-03-10T14:00:00.000Z',
      },
    };
    const conclusion = (outcome: string, concludedAt = at('11:30')): IncidentEvent =>
      ({
        type: 'ExperimentConcluded',
        data: { incidentId: ID, outcome, observations: 'Failover took 45 s.', concludedAt },
      }) as IncidentEvent;
    const conclude = (outcome: string, concludedAt = at('11:30')) =>
      cmd('ConcludeExperiment', { outcome, observations: ' Failover took 45 s. ', concludedAt });

    it('plans a chaos experiment or a game day with trimmed text, services deduplicated, times in UTC', () => {
      spec.given([experiment]).when(cmd('PlanExperiment', planInput)).then([planned]);
      const gameDay: IncidentReported = { ...reported, data: { ...reported.data, kind: 'GAME_DAY' } };
      spec.given([gameDay]).when(cmd('PlanExperiment', planInput)).then([planned]);
    });

    it('leaves abort conditions and the planned time out when not given (blank text counts as none)', () => {
      const [event] = spec
        .given([experiment])
        .when(cmd('PlanExperiment', { ...planInput, abortConditions: '  ', plannedFor: null }))
        .decision();
      expect(event.data).toMatchObject({ abortConditions: null, plannedFor: null });
    });

    it.each(['INCIDENT', 'NEAR_MISS'])(
      'refuses to plan or conclude one on an incident of kind %s',
      (kind) => {
        const other: IncidentReported = {
          ...reported,
          data: { ...reported.data, kind } as IncidentReported['data'],
        };
        const rule = `incidentId: experiments are planned and concluded only on incidents of kind CHAOS_EXPERIMENT or GAME_DAY; this one is ${kind}`;
        spec.given([other]).when(cmd('PlanExperiment', planInput)).thenThrows(DomainRuleError, rule);
        spec.given([other]).when(conclude('HELD')).thenThrows(DomainRuleError, rule);
      },
    );

    it('replaces the whole plan when planned again before it is concluded', () => {
      const revised = { ...planInput, blastRadius: ['checkout'], abortConditions: null, plannedFor: null };
      spec
        .given([experiment, planned])
        .when(cmd('PlanExperiment', revised))
        .then([
          {
            type: 'ExperimentPlanned',
            data: { ...planned.data, blastRadius: ['checkout'], abortConditions: null, plannedFor: null },
          },
        ]);
    });

    it('appends nothing when planned again with the same plan', () => {
      spec.given([experiment, planned]).when(cmd('PlanExperiment', planInput)).then([]);
    });

    it('refuses a revised startedAt after the experiment was concluded, and accepts one before', () => {
      const concluded = [experiment, planned, conclusion('HELD', at('10:02'))];
      spec
        .given(concluded)
        .when(cmd('ReviseIncident', { startedAt: at('10:04') }))
        .thenThrows(
          DomainRuleError,
          "startedAt: must not be after the experiment's concludedAt (2026-03-01T10:02:00.000Z)",
        );
      spec
        .given(concluded)
        .when(cmd('ReviseIncident', { startedAt: at('10:01') }))
        .then([{ type: 'IncidentRevised', data: { incidentId: ID, changes: { startedAt: at('10:01') } } }]);
    });

    it('refuses a new plan once the experiment is concluded', () => {
      spec
        .given([experiment, planned, conclusion('HELD')])
        .when(cmd('PlanExperiment', planInput))
        .thenThrows(
          DomainRuleError,
          /^incidentId: the experiment was concluded HELD at .*can no longer be revised/,
        );
    });

    it.each([
      ['hypothesis', { hypothesis: ' ' }, 'hypothesis: must not be empty'],
      ['hypothesis', { hypothesis: 'x'.repeat(20_001) }, /hypothesis: must be at most 20000 characters/],
      ['steadyState', { steadyState: '' }, 'steadyState: must not be empty'],
      ['abortConditions', { abortConditions: 'x'.repeat(20_001) }, /abortConditions: must be at most 20000/],
      ['blastRadius', { blastRadius: [] }, /blastRadius: must name at least 1/],
      [
        'blastRadius',
        { blastRadius: Array.from({ length: 21 }, (_, i) => `svc-${i}`) },
        /blastRadius: must name at most 20/,
      ],
      [
        'blastRadius[1]',
        { blastRadius: ['checkout', 'Payments DB'] },
        /blastRadius\[1\]: 'Payments DB' may hold only/,
      ],
      ['blastRadius[0]', { blastRadius: ['x'.repeat(65)] }, /blastRadius\[0\]: must be 1–64 characters/],
      [
        'plannedFor',
        { plannedFor: 'next tuesday' },
        /plannedFor: 'next tuesday' is not an RFC 3339 date-time/,
      ],
    ])('refuses a plan with a bad %s, naming the field and the rule', (_field, overrides, message) => {
      spec
        .given([experiment])
        .when(cmd('PlanExperiment', { ...planInput, ...overrides }))
        .thenThrows(DomainRuleError, message);
    });

    it('concludes a planned experiment once, with trimmed observations', () => {
      spec
        .given([experiment, planned])
        .when(conclude('HELD'))
        .then([conclusion('HELD')]);
      spec
        .given([experiment, planned])
        .when(conclude('ABORTED'))
        .then([conclusion('ABORTED')]);
    });

    it('refuses a conclusion before a plan, and a second conclusion', () => {
      spec
        .given([experiment])
        .when(conclude('HELD'))
        .thenThrows(DomainRuleError, /^incidentId: the experiment has no plan yet/);
      spec
        .given([experiment, planned, conclusion('HELD')])
        .when(conclude('REFUTED'))
        .thenThrows(
          DomainRuleError,
          /^incidentId: the experiment was already concluded HELD at 2026-03-01T11:30:00.000Z/,
        );
    });

    it.each([
      ['outcome', { outcome: 'PASSED' }, 'outcome: must be one of HELD, REFUTED, ABORTED'],
      ['observations', { observations: '  ' }, 'observations: must not be empty'],
      ['observations', { observations: 'x'.repeat(20_001) }, /observations: must be at most 20000/],
      ['concludedAt', { concludedAt: 'soon' }, /concludedAt: 'soon' is not an RFC 3339 date-time/],
      [
        'concludedAt',
        { concludedAt: '2026-03-01T12:05:01Z' },
        /concludedAt: must not be more than 5 minutes in the future/,
      ],
      [
        'concludedAt',
        { concludedAt: at('09:59') },
        'concludedAt: must not be before startedAt (2026-03-01T10:00:00.000Z)',
      ],
    ])('refuses a conclusion with a bad %s, naming the field and the rule', (_field, overrides, message) => {
      spec
        .given([experiment, planned])
        .when(
          cmd('ConcludeExperiment', {
            outcome: 'HELD',
            observations: 'ok',
            concludedAt: at('11:30'),
            ...overrides,
          }),
        )
        .thenThrows(DomainRuleError, message);
    });

    it('accepts a conclusion at the start itself and up to 5 minutes ahead (clock skew)', () => {
      for (const concludedAt of [at('10:00'), '2026-03-01T12:05:00.000Z'])
        spec
          .given([experiment, planned])
          .when(conclude('HELD', concludedAt))
          .then([conclusion('HELD', concludedAt)]);
    });

    it.each([
      ['OPEN', [experiment, planned]],
      ['MITIGATED', [experiment, planned, milestone('MITIGATED', at('10:20')), status('OPEN', 'MITIGATED')]],
      ['RESOLVED', [experiment, planned, milestone('RESOLVED', at('11:00')), status('OPEN', 'RESOLVED')]],
    ])('a REFUTED outcome moves a %s experiment to IN_REVIEW', (from, given) => {
      spec
        .given(given)
        .when(conclude('REFUTED'))
        .then([conclusion('REFUTED'), status(from, 'IN_REVIEW')]);
    });

    it('a REFUTED outcome leaves IN_REVIEW and CLOSED alone; HELD and ABORTED never move the status', () => {
      const inReview = [
        experiment,
        planned,
        milestone('RESOLVED', at('11:00')),
        status('OPEN', 'RESOLVED'),
        finding(1),
        status('RESOLVED', 'IN_REVIEW'),
      ];
      spec
        .given(inReview)
        .when(conclude('REFUTED'))
        .then([conclusion('REFUTED')]);
      spec
        .given([...inReview, status('IN_REVIEW', 'CLOSED')])
        .when(conclude('REFUTED'))
        .then([conclusion('REFUTED')]);
      spec
        .given([experiment, planned, milestone('RESOLVED', at('11:00')), status('OPEN', 'RESOLVED')])
        .when(conclude('ABORTED'))
        .then([conclusion('ABORTED')]);
    });
  });

  describe('caps per incident', () => {
    const times = <T>(n: number, make: (i: number) => T): T[] =>
      Array.from({ length: n }, (_, i) => make(i + 1));
    const entry = (n: number): IncidentEvent => ({
      type: 'TimelineEntryAdded',
      data: { incidentId: ID, entryId: timelineEntryIdOf(ID, n), at: at('10:01'), text: `entry ${n}` },
    });
    const retraction = (n: number): IncidentEvent => ({
      type: 'FindingRetracted',
      data: { incidentId: ID, findingId: findingIdOf(ID, n), reason: 'wrong incident' },
    });
    const relatedId = (n: number) => `5e2d0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const linkTo = (n: number): IncidentEvent => ({
      type: 'IncidentsLinked',
      data: { incidentId: ID, relatedIncidentId: relatedId(n), relation: 'RELATED_TO' },
    });
    const linkCommand = (n: number) =>
      cmd('LinkIncidents', { relation: 'RELATED_TO', related: { id: relatedId(n), startedAt: at('09:00') } });
    const revision = (n: number): IncidentEvent => ({
      type: 'IncidentRevised',
      data: { incidentId: ID, changes: { title: `Title ${n}` } },
    });

    describe(`${MAX_TIMELINE_ENTRIES_PER_INCIDENT} timeline entries`, () => {
      const addEntry = cmd('AddTimelineEntry', { at: at('10:02'), text: 'one more' });

      it('adds the last one below the cap', () => {
        spec
          .given([reported, ...times(MAX_TIMELINE_ENTRIES_PER_INCIDENT - 1, entry)])
          .when(addEntry)
          .then([
            {
              type: 'TimelineEntryAdded',
              data: { incidentId: ID, entryId: `${ID}:t500`, at: at('10:02'), text: 'one more' },
            },
          ]);
      });

      it('refuses one more at the cap, naming the incident and the cap', () => {
        spec
          .given([reported, ...times(MAX_TIMELINE_ENTRIES_PER_INCIDENT, entry)])
          .when(addEntry)
          .thenThrows(
            DomainRuleError,
            'incidentId: an incident holds at most 500 timeline entries; this one has 500',
          );
      });
    });

    describe(`${MAX_FINDINGS_PER_INCIDENT} findings, retracted ones included`, () => {
      const recordFinding = cmd('RecordFinding', { kind: 'LESSON_LEARNED', description: 'one more' });

      it('records the last one below the cap', () => {
        const [event] = spec
          .given([reported, ...times(MAX_FINDINGS_PER_INCIDENT - 1, (n) => finding(n))])
          .when(recordFinding)
          .decision();
        expect(event).toMatchObject({ type: 'FindingRecorded', data: { findingId: `${ID}:f200` } });
      });

      it('refuses one more at the cap, though some were retracted', () => {
        spec
          .given([
            reported,
            ...times(MAX_FINDINGS_PER_INCIDENT, (n) => finding(n)),
            retraction(1),
            retraction(2),
          ])
          .when(recordFinding)
          .thenThrows(
            DomainRuleError,
            'incidentId: an incident holds at most 200 findings (retracted ones count); this one has 200',
          );
      });
    });

    describe(`${MAX_LINKS_PER_INCIDENT} links`, () => {
      it('links the last one below the cap', () => {
        spec
          .given([reported, ...times(MAX_LINKS_PER_INCIDENT - 1, linkTo)])
          .when(linkCommand(MAX_LINKS_PER_INCIDENT))
          .then([linkTo(MAX_LINKS_PER_INCIDENT)]);
      });

      it('refuses one more at the cap, naming the incident and the cap', () => {
        spec
          .given([reported, ...times(MAX_LINKS_PER_INCIDENT, linkTo)])
          .when(linkCommand(MAX_LINKS_PER_INCIDENT + 1))
          .thenThrows(DomainRuleError, 'incidentId: an incident holds at most 100 links; this one has 100');
      });
    });

    describe(`${MAX_EVENTS_PER_INCIDENT} events in the stream, whatever their type`, () => {
      /** IncidentReported and n revisions: a stream of n + 1 events. */
      const revisedTimes = (n: number) => [reported, ...times(n, revision)];

      it('takes the change that fills it', () => {
        spec
          .given(revisedTimes(MAX_EVENTS_PER_INCIDENT - 2))
          .when(cmd('ReviseIncident', { severity: 'SEV1' }))
          .then([{ type: 'IncidentRevised', data: { incidentId: ID, changes: { severity: 'SEV1' } } }]);
      });

      it('refuses a change of two events where only one fits', () => {
        spec
          .given(revisedTimes(MAX_EVENTS_PER_INCIDENT - 2))
          .when(cmd('RecordMilestone', { milestone: 'MITIGATED', at: at('10:20') }))
          .thenThrows(
            DomainRuleError,
            "incidentId: an incident's stream holds at most 2000 events; this one has 1999 and the change would add 2",
          );
      });

      it('refuses any change once it is full, but a change that writes nothing is no change', () => {
        const full = revisedTimes(MAX_EVENTS_PER_INCIDENT - 1);
        spec
          .given(full)
          .when(cmd('ReviseIncident', { severity: 'SEV1' }))
          .thenThrows(DomainRuleError, /at most 2000 events; this one has 2000 and the change would add 1/);
        spec
          .given(full)
          .when(cmd('ReviseIncident', { severity: 'SEV2' }))
          .then([]);
      });
    });
  });

  describe('the postmortem policy', () => {
    const policy = { SEV1: 3, SEV2: 7 };
    const resolve = (time = at('11:00')) =>
      cmd('RecordMilestone', { milestone: 'RESOLVED', at: time, postmortemPolicy: policy });
    const reportedAs = (kind: string, severity: string) =>
      ({ ...reported, data: { ...reported.data, kind, severity } }) as IncidentEvent;

    it("sets the deadline when a SEV1 or SEV2 INCIDENT is first resolved: resolvedAt plus the policy's days for its severity", () => {
      spec
        .given([reportedAs('INCIDENT', 'SEV1')])
        .when(resolve())
        .then([milestone('RESOLVED', at('11:00')), status('OPEN', 'RESOLVED'), dueSet(at('11:00'), 3)]);
      spec
        .given([reported, milestone('MITIGATED', at('10:20')), status('OPEN', 'MITIGATED')])
        .when(resolve())
        .then([milestone('RESOLVED', at('11:00')), status('MITIGATED', 'RESOLVED'), dueSet(at('11:00'), 7)]);
    });

    it('uses the default policy (5 days) when the command carries none', () => {
      spec
        .given([reported])
        .when(cmd('RecordMilestone', { milestone: 'RESOLVED', at: at('11:00') }))
        .then([milestone('RESOLVED', at('11:00')), status('OPEN', 'RESOLVED'), dueSet(at('11:00'), 5)]);
    });

    it.each([
      ['INCIDENT', 'SEV3'],
      ['INCIDENT', 'SEV5'],
      ['NEAR_MISS', 'SEV1'],
      ['CHAOS_EXPERIMENT', 'SEV2'],
      ['GAME_DAY', 'SEV1'],
    ])('expects no postmortem of a %s of %s', (kind, severity) => {
      spec
        .given([reportedAs(kind, severity)])
        .when(resolve())
        .then([milestone('RESOLVED', at('11:00')), status('OPEN', 'RESOLVED')]);
    });

    it('does not move the deadline when the resolution time is corrected, nor set one again after a reopening', () => {
      const first = [
        reported,
        milestone('RESOLVED', at('11:00')),
        status('OPEN', 'RESOLVED'),
        dueSet(at('11:00'), 5),
      ];
      spec
        .given(first)
        .when(resolve(at('11:30')))
        .then([milestone('RESOLVED', at('11:30'), at('11:00'))]);
      const reopened: IncidentEvent = {
        type: 'IncidentReopened',
        data: { incidentId: ID, reason: 'The fix did not hold', previousStatus: 'RESOLVED' },
      };
      spec
        .given([...first, reopened])
        .when(resolve(at('11:45')))
        .then([milestone('RESOLVED', at('11:45'), at('11:00')), status('OPEN', 'RESOLVED')]);
    });

    it('sets none when a SEV3 resolved first is raised to SEV1 later: only the first resolution counts', () => {
      spec
        .given([
          reportedAs('INCIDENT', 'SEV3'),
          milestone('RESOLVED', at('11:00')),
          status('OPEN', 'RESOLVED'),
          { type: 'IncidentRevised', data: { incidentId: ID, changes: { severity: 'SEV1' } } },
        ])
        .when(resolve(at('11:30')))
        .then([milestone('RESOLVED', at('11:30'), at('11:00'))]);
    });
  });

  describe('postmortem overdue reminders (the deadline watcher)', () => {
    const overdue = cmd('RecordPostmortemOverdue', {});
    const dueAt = '2026-03-06T11:00:00.000Z';
    const withDeadline = [
      reported,
      milestone('RESOLVED', at('11:00')),
      status('OPEN', 'RESOLVED'),
      dueSet(at('11:00'), 5),
    ];
    const reminder: IncidentEvent = { type: 'PostmortemOverdue', data: { incidentId: ID, dueAt } };
    const afterDue = new Date('2026-03-06T11:00:00.001Z');

    it('records the reminder once the deadline has passed with no postmortem', () => {
      spec.given(withDeadline).when(overdue, afterDue).then([reminder]);
    });

    it('refuses before the deadline, without a deadline, and once a postmortem is published', () => {
      spec
        .given(withDeadline)
        .when(overdue, new Date(dueAt))
        .thenThrows(DomainRuleError, /due at 2026-03-06T11:00:00.000Z; that has not passed yet/);
      spec
        .given([reported])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /no postmortem deadline/);
      spec
        .given([
          ...withDeadline,
          finding(1),
          status('RESOLVED', 'IN_REVIEW'),
          {
            type: 'PostmortemPublished',
            data: { incidentId: ID, summary: 's', impact: 'i', publishedAt: '2026-03-05T09:00:00.000Z' },
          },
          status('IN_REVIEW', 'CLOSED'),
        ])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /postmortem was published/);
    });

    it('refuses a second reminder for the same deadline', () => {
      spec
        .given([...withDeadline, reminder])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /already recorded overdue for its deadline 2026-03-06T11:00:00.000Z/);
    });

    it('still reminds of a reopened incident: its deadline stands', () => {
      spec
        .given([
          ...withDeadline,
          {
            type: 'IncidentReopened',
            data: { incidentId: ID, reason: 'The fix did not hold', previousStatus: 'RESOLVED' },
          },
        ])
        .when(overdue, afterDue)
        .then([reminder]);
    });
  });
});
