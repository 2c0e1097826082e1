import type { DataSource } from 'typeorm';
import { similarToDescription, similarToIncidents } from '../similar/similar-incidents.query';
import { HAND_WRITTEN_EXPECTATIONS, HAND_WRITTEN_INCIDENTS } from './similar-hand-written-incidents';

export interface HandWrittenFigures {
  readonly probes: number;
  /** Share of probes whose expected incident is among the five most similar. */
  readonly recallAt5: number;
  /** Mean of 1 / rank of the expected incident (0 when it is not in the top 50). */
  readonly meanReciprocalRank: number;
  /** Probes with an `above` whose expected incident did rank above it (or the other was not listed). */
  readonly orderingHeld: number;
  readonly orderings: number;
  /** Each probe: what was expected, at which rank (null: not in the top 50), and the top five. */
  readonly details: ReadonlyArray<{ probe: string; expected: string; rank: number | null; top5: string[] }>;
}

/** Runs every hand-written expectation against the read model holding the set (`ids`: key → id). */
export async function evaluateHandWritten(
  dataSource: DataSource,
  ids: ReadonlyMap<string, string>,
): Promise<HandWrittenFigures> {
  const keyOf = new Map([...ids].map(([key, id]) => [id, key]));
  const details: Array<{ probe: string; expected: string; rank: number | null; top5: string[] }> = [];
  let hits = 0;
  let reciprocal = 0;
  let orderings = 0;
  let orderingHeld = 0;
  for (const expectation of HAND_WRITTEN_EXPECTATIONS) {
    const { probe } = expectation;
    const matches =
      'incident' in probe
        ? ((await similarToIncidents(dataSource, [ids.get(probe.incident) as string], 50)).get(
            ids.get(probe.incident) as string,
          ) ?? [])
        : await similarToDescription(dataSource, { ...probe, before: '2030-01-01T00:00:00.000Z' }, 50);
    const keys = matches.map((match) => keyOf.get(match.incidentId) ?? match.incidentId);
    const ranks = expectation.expected.map((key) => keys.indexOf(key)).filter((rank) => rank >= 0);
    const index = ranks.length > 0 ? Math.min(...ranks) : -1;
    if (index >= 0 && index < 5) hits += 1;
    if (index >= 0) reciprocal += 1 / (index + 1);
    if (expectation.above) {
      orderings += 1;
      const other = keys.indexOf(expectation.above);
      if (index >= 0 && (other < 0 || index < other)) orderingHeld += 1;
    }
    details.push({
      probe: 'incident' in probe ? probe.incident : probe.title,
      expected: expectation.expected.join(' or '),
      rank: index >= 0 ? index + 1 : null,
      top5: keys.slice(0, 5),
    });
  }
  const probes = HAND_WRITTEN_EXPECTATIONS.length;
  return {
    probes,
    recallAt5: hits / probes,
    meanReciprocalRank: reciprocal / probes,
    orderingHeld,
    orderings,
    details,
  };
}

export { HAND_WRITTEN_INCIDENTS };
