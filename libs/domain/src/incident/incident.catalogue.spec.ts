import { UnknownEventError, upcast } from '../shared/event-catalogue';
import { incidentCatalogue } from './incident.catalogue';
import type { IncidentEvent } from './incident.events';

describe('reading stored incident events (upcasting)', () => {
  const v1 = {
    incidentId: 'i',
    findingId: 'i:f1',
    kind: 'LESSON_LEARNED',
    description: 'Rollbacks were fast',
  };

  it('reads a FindingRecorded stored as version 1 (no category) as version 2 (category null)', () => {
    const event = upcast<IncidentEvent>(incidentCatalogue, 'FindingRecorded', 1, v1);
    expect(event).toEqual({ type: 'FindingRecorded', data: { ...v1, category: null } });
  });

  it('keeps a version 1 category that was given', () => {
    const event = upcast<IncidentEvent>(incidentCatalogue, 'FindingRecorded', 1, {
      ...v1,
      kind: 'TRIGGER',
      category: 'DATA',
    });
    expect(event.data).toMatchObject({ category: 'DATA' });
  });

  it('reads the current version as it is', () => {
    const data = { ...v1, category: null };
    expect(upcast<IncidentEvent>(incidentCatalogue, 'FindingRecorded', 2, data)).toEqual({
      type: 'FindingRecorded',
      data,
    });
  });

  it('refuses a version newer than this service knows, and an unknown type, saying why', () => {
    expect(() => upcast(incidentCatalogue, 'FindingRecorded', 3, v1)).toThrow(UnknownEventError);
    expect(() => upcast(incidentCatalogue, 'FindingRecorded', 3, v1)).toThrow(/knows versions 1 to 2/);
    expect(() => upcast(incidentCatalogue, 'IncidentExploded', 1, {})).toThrow(
      /not an event type this service knows/,
    );
  });
});
