export * from './read-model-data-source';
export * from './read-model-time';
export {
  DEFAULT_PAGE_SIZE,
  InvalidQueryArgumentError,
  MAX_FILTER_VALUES,
  MAX_PAGE_SIZE,
  type Connection,
  type ReadModelQueryable,
} from './query-arguments';
export * from './projector/projection';
export * from './projector/projected-event';
export * from './projector/projector';
export * from './projector/projection-checkpoint.entity';
export * from './incident/incident.entity';
export * from './incident/incident.projection';
export * from './incident/incident-list.query';
export * from './incident/incident-batch.query';
export * from './action-item/action-item.entity';
export * from './action-item/action-item.projection';
export * from './action-item/action-item-list.query';
export * from './action-item/action-item-batch.query';
export * from './api-key/api-key.entity';
export * from './api-key/api-key.projection';
export * from './api-key/api-key.query';
export * from './webhook/webhook.entity';
export * from './webhook/webhook.projection';
export * from './webhook/webhook.query';
export * from './webhook-delivery';
export * from './reports';
export * from './action-item-history';
export * from './search';
export * from './similar';
export { READ_MODEL_MIGRATIONS } from './migrations/read-model-migrations';
export * from './projector/dead-letter.entity';
export * from './read-model-projections';
export {
  MAX_QUEUED_READS_PER_WORKER,
  ReadPoolBusyError,
  readPoolOf,
  SqliteReadError,
} from './sqlite-reads/sqlite-read-pool';
export * from './operations/alerting-counts.query';
export * from './operations/deadline-candidates.query';
