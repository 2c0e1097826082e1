import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * The experiment of a chaos experiment or game day on its incident row: the plan (hypothesis, steady
 * state, blast radius as a JSON array, abort conditions, planned time) and the conclusion (outcome,
 * observations, time), all null until written. The search projection now indexes the hypothesis,
 * steady state and observations too.
 *
 * Both projections ignored ExperimentPlanned and ExperimentConcluded until now: the migration empties
 * the incidents and search read models and their checkpoints, and the projector rebuilds them from the
 * event log when the service starts.
 */
export class IncidentExperiments1767227150000 implements MigrationInterface {
  name = 'IncidentExperiments1767227150000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      ...EXPERIMENT_COLUMNS.map((column) => `ALTER TABLE incidents ADD COLUMN ${column} ${text}`),
      ...emptyProjection('incidents', [
        'incident_links',
        'timeline_entries',
        'findings',
        'incident_tags',
        'incident_services',
        'incidents',
      ]),
      ...emptyProjection('search', ['search_documents']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of EXPERIMENT_COLUMNS)
      await queryRunner.query(`ALTER TABLE incidents DROP COLUMN ${column}`);
  }
}

const EXPERIMENT_COLUMNS = [
  'experiment_hypothesis',
  'experiment_steady_state',
  'experiment_blast_radius',
  'experiment_abort_conditions',
  'experiment_planned_for',
  'experiment_outcome',
  'experiment_observations',
  'experiment_concluded_at',
];
