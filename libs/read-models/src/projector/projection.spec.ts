import { projectionReads } from './projection';

describe('projectionReads', () => {
  const event = (streamId: string, type: string) => ({ streamId, type });

  it('reads every event without stream prefixes or event types', () => {
    expect(projectionReads({}, event('incident-1', 'IncidentReported'))).toBe(true);
  });

  it('reads only the streams of its prefixes and, when given, only its event types', () => {
    const history = {
      streamPrefixes: ['action-item-', 'incident-'],
      eventTypes: new Set(['ActionItemOpened', 'IncidentReported']),
    };
    expect(projectionReads(history, event('incident-1', 'IncidentReported'))).toBe(true);
    expect(projectionReads(history, event('incident-1', 'MilestoneRecorded'))).toBe(false);
    expect(projectionReads(history, event('action-item-1', 'ActionItemOpened'))).toBe(true);
    expect(projectionReads(history, event('api-key-1', 'IncidentReported'))).toBe(false);
    expect(projectionReads({ streamPrefixes: ['incident-'] }, event('incident-1', 'Anything'))).toBe(true);
  });
});
