import { readModelProjections } from '../read-model-projections';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { similarToDescription, similarToIncidents } from './similar-incidents.query';
import { evaluateHandWritten } from '../testing/similar-hand-written-evaluation';
import { writeHandWrittenIncidents } from '../testing/similar-hand-written-incidents';

/**
 * Recall@5 the hand-written set must keep (docs/adr/0020): 20 probes, so 0.85 allows three misses.
 * Each probe's expected incident is told in other words on another service, which is what a
 * reviewer would find by reading; three misses out of twenty is the point where a change to the
 * blend has visibly made it worse.
 */
const HAND_WRITTEN_RECALL_AT_5 = 0.85;

describeOnReadModelDatabases('similar incidents', (databases) => {
  jest.setTimeout(60_000);
  const bed = useProjectionTestbed(databases);

  const project = async () => {
    const projector = await bed.startProjector(bed.dataSource, readModelProjections());
    await expect(projector.waitForPosition(bed.writer.lastPosition, 30_000)).resolves.toBe(true);
  };

  const report = (title: string, startedAt: string, services = ['checkout'], summary: string | null = null) =>
    bed.writer.reportIncident({
      title,
      summary,
      kind: 'INCIDENT',
      severity: 'SEV2',
      services,
      detectionSource: 'MONITORING_ALERT',
      startedAt,
    });

  const similarTo = async (id: string, first = 5) =>
    (await similarToIncidents(bed.dataSource, [id], first)).get(id) ?? [];

  it('finds the hand-written answers a reviewer expects (recall@5 at least 0.85)', async () => {
    const ids = await writeHandWrittenIncidents(bed.writer);
    await project();
    const figures = await evaluateHandWritten(bed.dataSource, ids);
    const misses = figures.details.filter((d) => d.rank === null || d.rank > 5);
    // The misses are named in the failure message, so a change to the blend shows what it lost.
    expect({ recallAt5: figures.recallAt5 >= HAND_WRITTEN_RECALL_AT_5, misses }).toEqual({
      recallAt5: true,
      misses: expect.any(Array),
    });
    expect(figures.orderingHeld).toBe(figures.orderings);
    // The example of the issue: the certificate expiry on another service before the gateway outage.
    const [best] = await similarToDescription(
      bed.dataSource,
      {
        title: 'TLS certificate expired on the API gateway',
        services: ['api-gateway'],
        before: '2030-01-01T00:00:00Z',
      },
      5,
    );
    expect(best.incidentId).toBe(ids.get('cert-payments'));
    expect(best.reasons).toContainEqual(expect.stringMatching(/^shared words: .*certificate/));
  });

  it('counts text and structure, with reasons in words, scores in [0, 1], earlier incidents only', async () => {
    const textOnly = await report('Certificate expired on the billing endpoint', '2025-01-01T00:00:00.000Z', [
      'billing',
    ]);
    const structureOnly = await report('Slow pages', '2025-01-02T00:00:00.000Z', ['checkout']);
    await bed.writer.onIncident(structureOnly, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'SECURITY',
      description: 'Bot traffic',
    });
    const later = await report('Payment certificate expired', '2025-03-01T00:00:00.000Z', ['checkout']);
    const probe = await report('Checkout certificate expired', '2025-02-01T00:00:00.000Z', ['checkout']);
    await bed.writer.onIncident(probe, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'SECURITY',
      description: 'Renewal job broken',
    });
    await project();

    const matches = await similarTo(probe);
    expect(matches.map((m) => m.incidentId).sort()).toEqual([textOnly, structureOnly].sort());
    expect(matches.map((m) => m.incidentId)).not.toContain(later);
    const byId = new Map(matches.map((m) => [m.incidentId, m]));
    expect(byId.get(textOnly)?.reasons).toEqual([
      'shared words: certificate, expired',
      'same kind: INCIDENT',
      'recent: 31 days before',
    ]);
    expect(byId.get(structureOnly)?.reasons).toEqual([
      'same service: checkout',
      'same factor: SECURITY',
      'same kind: INCIDENT',
      'recent: 30 days before',
    ]);
    for (const match of matches) {
      expect(match.score).toBeGreaterThan(0);
      expect(match.score).toBeLessThanOrEqual(1);
    }
    // Strictly before: an incident started at the same instant is not earlier.
    const twin = await report('Checkout certificate expired', '2025-02-01T00:00:00.000Z', ['checkout']);
    await project();
    expect((await similarTo(probe)).map((m) => m.incidentId)).not.toContain(twin);
    // Structure raises the score but never filters: a description without services still finds both.
    const described = await similarToDescription(
      bed.dataSource,
      { title: 'certificate expired', services: ['checkout'], before: '2025-02-01T00:00:00.000Z' },
      5,
    );
    expect(described.map((m) => m.incidentId).sort()).toEqual([textOnly, structureOnly].sort());
    expect((await similarTo(probe, 1)).length).toBe(1);
  });

  it('ignores retracted findings: their words and categories no longer count', async () => {
    const earlier = await report('Slow pages', '2025-01-01T00:00:00.000Z', ['search']);
    await bed.writer.onIncident(earlier, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'DATA',
      description: 'Zebrafish payload corrupted the index',
    });
    const probe = await report('Zebrafish payload corrupted everything', '2025-02-01T00:00:00.000Z', [
      'orders',
    ]);
    await bed.writer.onIncident(probe, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'DATA',
      description: 'Bad import',
    });
    await project();
    const before = await similarTo(probe);
    expect(before.map((m) => m.reasons)).toEqual([
      [
        'same factor: DATA',
        'shared words: zebrafish, payload, corrupted',
        'same kind: INCIDENT',
        'recent: 31 days before',
      ],
    ]);
    await bed.writer.onIncident(earlier, {
      type: 'RetractFinding',
      findingId: `${earlier}:f1`,
      reason: 'Wrong incident',
    });
    await project();
    expect(await similarTo(probe)).toEqual([]);
  });

  it('collapses recurrence chains: the best of a chain first, its other incidents after every other chain', async () => {
    const first = await report('Redis evictions logged users out', '2025-01-01T00:00:00.000Z', ['auth']);
    const again = await report('Redis evictions logged users out again', '2025-01-10T00:00:00.000Z', [
      'auth',
    ]);
    await bed.writer.onIncident(again, {
      type: 'LinkIncidents',
      relation: 'RECURRENCE_OF',
      related: { id: first, startedAt: '2025-01-01T00:00:00.000Z' },
    });
    const duplicate = await report('Redis evictions logged users out', '2025-01-10T01:00:00.000Z', ['auth']);
    await bed.writer.onIncident(duplicate, {
      type: 'LinkIncidents',
      relation: 'DUPLICATE_OF',
      related: { id: again, startedAt: '2025-01-10T00:00:00.000Z' },
    });
    const other = await report('Users logged out by session expiry', '2025-01-05T00:00:00.000Z', ['auth']);
    const probe = await report('Redis evictions logged users out', '2025-02-01T00:00:00.000Z', ['auth']);
    await project();

    const matches = await similarTo(probe);
    const order = matches.map((m) => m.incidentId);
    expect(order).toHaveLength(4);
    // The chain's best (the latest of the identical titles) first, then the unrelated one, then the rest of the chain.
    expect(order.slice(0, 2)).toEqual([duplicate, other]);
    expect(order.slice(2).sort()).toEqual([first, again].sort());
    expect(matches[2].reasons.at(-1)).toBe('same failure as: Redis evictions logged users out');
    expect(matches[2].score).toBeGreaterThan(matches[1].score);
  });

  it('answers a batch of incidents with the same rankings as one at a time', async () => {
    const a = await report('Queue backlog in fulfilment', '2025-01-01T00:00:00.000Z', ['fulfilment']);
    const b = await report('Queue backlog in billing', '2025-01-02T00:00:00.000Z', ['billing']);
    const c = await report('Fulfilment queue backlog again', '2025-01-03T00:00:00.000Z', ['fulfilment']);
    await project();
    const batch = await similarToIncidents(bed.dataSource, [c, b, a, 'no-such-incident'], 5);
    expect(batch.get(c)).toEqual(await similarTo(c));
    expect(batch.get(b)).toEqual(await similarTo(b));
    expect(batch.get(a)).toEqual([]);
    expect(batch.get('no-such-incident')).toEqual([]);
    await expect(similarToIncidents(bed.dataSource, [a], 51)).rejects.toThrow(
      'first must be an integer from 1 to 50',
    );
    await expect(similarToIncidents(bed.dataSource, [a], 0)).rejects.toThrow(
      'first must be an integer from 1 to 50',
    );
  });
});
