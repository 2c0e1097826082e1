import { rankSimilar, recurrenceChains, type SimilarityCandidate } from './similar-ranking';
import { stemOf, wordsOf } from './similar-text';

const candidate = (incidentId: string, fields: Partial<SimilarityCandidate> = {}): SimilarityCandidate => ({
  incidentId,
  title: incidentId,
  kind: 'INCIDENT',
  startedAt: '2025-01-01T00:00:00.000Z',
  services: [],
  categories: [],
  texts: [],
  ...fields,
});

const probe = {
  incidentId: 'probe',
  texts: ['Certificate expired on checkout'],
  services: ['checkout'],
  categories: ['SECURITY' as const],
  kind: 'INCIDENT' as const,
  at: '2025-06-01T00:00:00.000Z',
};

describe('similar incidents ranking', () => {
  it('stems plural, past and gerund forms alike, and leaves out common words', () => {
    expect(new Set(['expired', 'expires', 'expiry', 'expiring'].map(stemOf))).toEqual(new Set(['expir']));
    expect(wordsOf('The pool WAS exhausted, the pool!')).toEqual(['pool', 'exhausted']);
  });

  it('leaves out a candidate sharing nothing but the kind, and scores within [0, 1]', () => {
    const ranked = rankSimilar(
      probe,
      [
        candidate('same-everything', {
          texts: ['Certificate expired on checkout'],
          services: ['checkout'],
          categories: ['SECURITY'],
          startedAt: '2025-05-31T00:00:00.000Z',
        }),
        candidate('kind-only', { texts: ['Disk full'] }),
      ],
      new Map(),
      5,
    );
    expect(ranked.map((m) => m.incidentId)).toEqual(['same-everything']);
    expect(ranked[0].score).toBeGreaterThan(0.9);
    expect(ranked[0].score).toBeLessThanOrEqual(1);
  });

  it('compares what failed, not where: the probe service names do not count as shared words', () => {
    // Its only shared word is the probe's service name: the place, which the services signal counts.
    expect(rankSimilar(probe, [candidate('place', { texts: ['Checkout slow'] })], new Map(), 5)).toEqual([]);
    const [withService] = rankSimilar(
      probe,
      [candidate('place', { texts: ['Checkout slow'], services: ['checkout'] })],
      new Map(),
      5,
    );
    expect(withService.reasons).toEqual(['same service: checkout', 'same kind: INCIDENT']);
  });

  it('joins chains through every link and lists the best of each chain first', () => {
    const chains = recurrenceChains([
      { incidentId: 'c', relatedIncidentId: 'b' },
      { incidentId: 'b', relatedIncidentId: 'a' },
    ]);
    expect(new Set([chains.get('a'), chains.get('b'), chains.get('c')])).toEqual(new Set(['a']));
    const text = { texts: ['Certificate expired'] };
    const ranked = rankSimilar(
      { ...probe, services: [], categories: [] },
      [
        candidate('a', { ...text, startedAt: '2025-05-01T00:00:00.000Z' }),
        candidate('b', { ...text, startedAt: '2025-05-02T00:00:00.000Z' }),
        candidate('other', { texts: ['Certificate rotated'] }),
      ],
      chains,
      5,
    );
    expect(ranked.map((m) => m.incidentId)).toEqual(['b', 'other', 'a']);
    expect(ranked[2].reasons.at(-1)).toBe('same failure as: b');
  });
});
