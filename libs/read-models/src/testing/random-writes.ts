import {
  DomainRuleError,
  EntityNotFoundError,
  EXPERIMENT_OUTCOMES,
  FACTOR_CATEGORIES,
  FINDING_KINDS,
  type Milestone,
} from '@kb/domain';
import type { WriteSide } from './write-side.fixture';

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

export type Random = ReturnType<typeof random>;

/** Sends `count` random commands; returns how many the domain refused (those append nothing). */
export async function writeRandomly(writer: WriteSide, rnd: Random, count: number): Promise<number> {
  const incidents: Array<{ id: string; findings: number }> = [];
  const actionItems: string[] = [];
  /** Incidents planned here (their experiment may be concluded already). */
  const experiments: string[] = [];
  const minute = (m: number) => new Date(Date.parse('2026-02-01T00:00:00.000Z') + m * 60_000).toISOString();
  let refusals = 0;
  for (let i = 0; i < count; i++) {
    try {
      const incident = incidents.length > 0 ? rnd.pick(incidents) : undefined;
      const roll = rnd.int(12);
      if (!incident || roll === 0) {
        const id = await writer.reportIncident({
          title: `Incident ${i} in ${rnd.pick(['checkout', 'search', 'payments'])}`,
          summary: rnd.chance(0.5) ? `Summary ${i}` : null,
          kind: rnd.pick(['INCIDENT', 'NEAR_MISS', 'CHAOS_EXPERIMENT', 'GAME_DAY']),
          severity: rnd.pick(['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5']),
          services: [rnd.pick(['checkout', 'search', 'payments']), rnd.pick(['db', 'cache'])],
          tags: rnd.chance(0.5) ? ['config'] : [],
          detectionSource: rnd.pick(['MONITORING_ALERT', 'CUSTOMER_REPORT', 'INTERNAL_REPORT']),
          startedAt: minute(rnd.int(1000)),
        });
        incidents.push({ id, findings: 0 });
      } else if (roll <= 3) {
        const milestone = rnd.pick<Milestone>(['DETECTED', 'ACKNOWLEDGED', 'MITIGATED', 'RESOLVED']);
        await writer.onIncident(incident.id, {
          type: 'RecordMilestone',
          milestone,
          at: minute(1000 + rnd.int(2000)),
        });
      } else if (roll === 4) {
        const kind = rnd.pick(FINDING_KINDS);
        await writer.onIncident(incident.id, {
          type: 'RecordFinding',
          kind,
          category: rnd.chance(0.8) ? rnd.pick(FACTOR_CATEGORIES) : null,
          description: `Finding ${i}`,
        });
        incident.findings += 1;
      } else if (roll === 5 && incident.findings > 0) {
        const findingId = `${incident.id}:f${1 + rnd.int(incident.findings)}`;
        if (rnd.chance(0.5))
          await writer.onIncident(incident.id, { type: 'RetractFinding', findingId, reason: 'wrong' });
        else
          await writer.onIncident(incident.id, {
            type: 'ReviseFinding',
            findingId,
            description: `Revised ${i}`,
          });
      } else if (roll === 6) {
        await writer.onIncident(incident.id, {
          type: 'AddTimelineEntry',
          at: minute(rnd.int(3000)),
          text: `Entry ${i}`,
        });
      } else if (roll === 7) {
        if (rnd.chance(0.5))
          await writer.onIncident(incident.id, {
            type: 'PublishPostmortem',
            summary: `PM ${i}`,
            impact: 'Some impact',
          });
        // Experiments: refused on other kinds and after a conclusion, as the domain says; conclusions
        // go mostly to incidents planned here, so that some are accepted.
        else if (experiments.length === 0 || rnd.chance(0.5)) {
          await writer.onIncident(incident.id, {
            type: 'PlanExperiment',
            hypothesis: `Hypothesis ${i}`,
            steadyState: `Steady state ${i}`,
            blastRadius: [rnd.pick(['checkout', 'search', 'payments'])],
            abortConditions: rnd.chance(0.5) ? `Abort ${i}` : null,
            plannedFor: rnd.chance(0.5) ? minute(rnd.int(3000)) : null,
          });
          experiments.push(incident.id);
        } else
          await writer.onIncident(rnd.chance(0.9) ? rnd.pick(experiments) : incident.id, {
            type: 'ConcludeExperiment',
            outcome: rnd.pick(EXPERIMENT_OUTCOMES),
            observations: `Observations ${i}`,
            concludedAt: minute(1000 + rnd.int(2000)),
          });
      } else if (roll === 8) {
        if (rnd.chance(0.5))
          await writer.onIncident(incident.id, { type: 'ReopenIncident', reason: 'Came back' });
        else
          // Sometimes also what the child rows copy: services and tags, and the start time.
          await writer.onIncident(incident.id, {
            type: 'ReviseIncident',
            severity: rnd.pick(['SEV1', 'SEV4']),
            ...(rnd.chance(0.3) ? { services: [rnd.pick(['checkout', 'search']), 'db'] } : {}),
            ...(rnd.chance(0.3) ? { tags: rnd.chance(0.5) ? ['config', 'deploy'] : [] } : {}),
            ...(rnd.chance(0.3) ? { startedAt: minute(rnd.int(1000)) } : {}),
          });
      } else if (roll === 9) {
        const other = rnd.pick(incidents);
        await writer.onIncident(incident.id, {
          type: 'LinkIncidents',
          relation: rnd.pick(['RECURRENCE_OF', 'RELATED_TO']),
          related: { id: other.id, startedAt: minute(0) },
        });
      } else if (roll === 10) {
        actionItems.push(
          await writer.openActionItem(incident.id, {
            title: `Action ${i}`,
            itemType: rnd.pick(['DETECT', 'PREVENT', 'REPAIR']),
            priority: rnd.pick(['P1', 'P2', 'P3']),
            ownerTeam: rnd.pick(['team-a', 'team-b']),
            dueDate: rnd.chance(0.5) ? '2026-12-31T00:00:00.000Z' : null,
          }),
        );
      } else if (actionItems.length > 0) {
        const actionItemId = rnd.pick(actionItems);
        const type = rnd.pick([
          'StartActionItem',
          'CompleteActionItem',
          'DropActionItem',
          'ReopenActionItem',
        ] as const);
        await writer.onActionItem(
          actionItemId,
          type === 'DropActionItem' ? { type, reason: 'Not needed' } : { type },
        );
      }
    } catch (error) {
      if (!(
        error instanceof DomainRuleError ||
        error instanceof EntityNotFoundError ||
        /wrote nothing/.test(String(error))
      ))
        throw error;
      refusals += 1;
    }
  }
  return refusals;
}
