import type { CommandBus } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import type { Projector } from '@kb/read-models';
import type { StreamHistory } from '../event-log/stream-history';
import { ReportIncidentCommand } from '../incidents/report-incident/report-incident.command';
import { ReadYourWrites } from './read-your-writes';

describe('ReadYourWrites', () => {
  const outcome = {
    entityId: 'i-1',
    revision: 0,
    position: '00000000000000000007',
    events: [],
    replayed: false,
  };
  const projectedRow = { id: 'i-1', title: 'as projected' };
  const foldedIncident = { id: 'i-1', title: 'as decided' };

  function setUp(reached: boolean) {
    const waitForPosition = jest.fn().mockResolvedValue(reached);
    const findOneBy = jest.fn().mockResolvedValue(projectedRow);
    const incidentAsOf = jest.fn().mockResolvedValue(foldedIncident);
    const writes = new ReadYourWrites(
      { execute: jest.fn().mockResolvedValue(outcome) } as unknown as CommandBus,
      { waitForPosition } as unknown as Projector,
      { incidentAsOf } as unknown as StreamHistory,
      { getRepository: () => ({ findOneBy }) } as unknown as DataSource,
    );
    const command = new ReportIncidentCommand({} as never, { actor: 'k', correlationId: 'c' });
    return { writes, command, waitForPosition, findOneBy, incidentAsOf };
  }

  it('waits for the position of the append, then reads the read model', async () => {
    const { writes, command, waitForPosition, incidentAsOf } = setUp(true);
    await expect(writes.incident(command)).resolves.toBe(projectedRow);
    expect(waitForPosition).toHaveBeenCalledWith('00000000000000000007', 5_000);
    expect(incidentAsOf).not.toHaveBeenCalled();
  });

  it('answers with the state folded from the events when the read models stay behind', async () => {
    const { writes, command, findOneBy, incidentAsOf } = setUp(false);
    await expect(writes.incident(command)).resolves.toBe(foldedIncident);
    expect(findOneBy).not.toHaveBeenCalled();
    expect(incidentAsOf).toHaveBeenCalledWith('i-1', null);
  });
});
