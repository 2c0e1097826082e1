import { readinessOf, type ProjectionHealth } from './readiness';

const settings = { maxProjectionLag: 1000, lagCountLimit: 4096 };

function projection(overrides: Partial<ProjectionHealth> = {}): ProjectionHealth {
  return { name: 'incidents', state: 'live', lastError: null, deadLetters: 0, lag: 0, ...overrides };
}

describe('readinessOf', () => {
  it('is ready when every projection is live or standby, unparked, and within the lag', () => {
    const readiness = readinessOf(
      [
        projection(),
        projection({ name: 'search', state: 'standby', lag: 12 }),
        projection({ name: 'webhooks', lag: 1000 }),
      ],
      settings,
    );
    expect(readiness).toEqual({
      ready: true,
      reasons: [],
      projections: [
        { name: 'incidents', ready: true },
        { name: 'search', ready: true },
        { name: 'webhooks', ready: true },
      ],
    });
  });

  it('is ready with no projection at all', () => {
    expect(readinessOf([], settings)).toEqual({ ready: true, reasons: [], projections: [] });
  });

  it('is not ready when a projection is stalled by a poison event, and says what to do', () => {
    const readiness = readinessOf(
      [projection({ state: 'stalled', deadLetters: 1 }), projection({ name: 'search' })],
      settings,
    );
    expect(readiness.ready).toBe(false);
    expect(readiness.reasons).toEqual([
      "Projection 'incidents' is stalled by 1 parked event (dead letters) it could not apply: fix the cause (see projection_dead_letters), then run the ADMIN mutation retryDeadLetters.",
    ]);
    expect(readiness.projections[1]).toEqual({ name: 'search', ready: true });
  });

  it('counts dead letters even in a state that does not say stalled (standby)', () => {
    const readiness = readinessOf([projection({ state: 'standby', deadLetters: 3 })], settings);
    expect(readiness.ready).toBe(false);
    expect(readiness.reasons[0]).toContain('is stalled by 3 parked events');
  });

  it('is not ready one event over READY_MAX_PROJECTION_LAG', () => {
    const readiness = readinessOf([projection({ lag: 1001 })], settings);
    expect(readiness.reasons).toEqual([
      "Projection 'incidents' is 1001 events behind the event log, more than READY_MAX_PROJECTION_LAG (1000).",
    ]);
  });

  it('says "at least" for a lag at the counting limit', () => {
    const readiness = readinessOf([projection({ lag: 4096 })], settings);
    expect(readiness.reasons[0]).toContain('is at least 4096 events behind');
  });

  it('takes a threshold of 0 to mean fully caught up', () => {
    expect(readinessOf([projection({ lag: 0 })], { ...settings, maxProjectionLag: 0 }).ready).toBe(true);
    expect(readinessOf([projection({ lag: 1 })], { ...settings, maxProjectionLag: 0 }).ready).toBe(false);
  });

  it.each([
    ['catching-up', 'is catching up with the event log (5 events behind).'],
    ['failed', 'failed and is retrying from its checkpoint: connection terminated.'],
    ['rebuilding', 'is being rebuilt (an ADMIN ran rebuildProjections).'],
    ['stopped', 'is not running.'],
    ['warming', "is in state 'warming': connection terminated."],
  ])('is not ready in state %s, and says so', (state, words) => {
    const readiness = readinessOf(
      [projection({ state, lag: 5, lastError: 'connection terminated' })],
      settings,
    );
    expect(readiness).toEqual({
      ready: false,
      reasons: [`Projection 'incidents' ${words}`],
      projections: [{ name: 'incidents', ready: false, reason: `Projection 'incidents' ${words}` }],
    });
  });

  it('gives one reason per projection that is not ready, in their order', () => {
    const readiness = readinessOf(
      [
        projection({ name: 'a', state: 'failed' }),
        projection({ name: 'b' }),
        projection({ name: 'c', lag: 2000 }),
      ],
      settings,
    );
    expect(readiness.reasons.map((reason) => reason.split(' ')[1])).toEqual(["'a'", "'c'"]);
  });
});
