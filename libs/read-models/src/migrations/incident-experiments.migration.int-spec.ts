import type { DataSource } from 'typeorm';
import { IncidentRow } from '../incident/incident.entity';
import { ProjectionCheckpointRow } from '../projector/projection-checkpoint.entity';
import { SearchDocumentRow } from '../search/search-document.entity';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { insertIncident } from '../testing/read-model-rows.fixture';
import { IncidentExperiments1767227150000 } from './1767227150000-incident-experiments.migration';

describeOnReadModelDatabases('the incident experiments migration', (databases) => {
  jest.setTimeout(30_000);
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await databases.open();
  });
  afterEach(() => databases.cleanup());

  it('adds the experiment columns and empties the incidents and search read models for a rebuild', async () => {
    const migration = new IncidentExperiments1767227150000();
    const runner = dataSource.createQueryRunner();
    try {
      // A database as the previous version left it: rows and checkpoints, no experiment columns.
      await insertIncident(dataSource, { id: 'i-1', startedAt: '2026-03-01T10:00:00.000Z' });
      await dataSource.manager.insert(SearchDocumentRow, {
        id: 'incident:i-1',
        resultKind: 'INCIDENT',
        resultId: 'i-1',
        incidentId: 'i-1',
        title: 'Checkout errors',
        body: '',
        retracted: false,
        revision: 0,
      });
      const updatedAt = '2026-03-01T10:00:00.000Z';
      for (const name of ['incidents', 'search', 'action-items'])
        await dataSource.manager.insert(ProjectionCheckpointRow, { name, position: '42', updatedAt });
      await migration.down(runner);

      await migration.up(runner);

      expect(await dataSource.manager.count(IncidentRow)).toBe(0);
      expect(await dataSource.manager.count(SearchDocumentRow)).toBe(0);
      const checkpoints = await dataSource.manager.find(ProjectionCheckpointRow);
      expect(checkpoints.map((checkpoint) => checkpoint.name)).toEqual(['action-items']);
      const row = await insertIncident(dataSource, {
        id: 'i-2',
        kind: 'GAME_DAY',
        startedAt: '2026-03-01T10:00:00.000Z',
        experimentHypothesis: 'Checkout survives a zone loss',
        experimentBlastRadius: ['checkout'],
        experimentOutcome: 'HELD',
        experimentConcludedAt: '2026-03-01T11:00:00.000Z',
      });
      expect(await dataSource.manager.findOneByOrFail(IncidentRow, { id: 'i-2' })).toEqual(row);
    } finally {
      await runner.release();
    }
  });
});
