import { ActionItemProjection } from './action-item/action-item.projection';
import { ActionItemHistoryProjection } from './action-item-history/action-item-history.projection';
import { ApiKeyProjection } from './api-key/api-key.projection';
import { IncidentFactsProjection } from './reports/facts/incident-facts.projection';
import { IncidentProjection } from './incident/incident.projection';
import type { Projection } from './projector/projection';
import { SearchProjection } from './search/search.projection';
import { WebhookProjection } from './webhook/webhook.projection';

/** Every projection of the read models, fresh instances: what the service runs and a rebuild replays. */
export const readModelProjections = (): Projection[] => [
  new IncidentProjection(),
  new ActionItemProjection(),
  new SearchProjection(),
  new IncidentFactsProjection(),
  new ApiKeyProjection(),
  new WebhookProjection(),
  new ActionItemHistoryProjection(),
];
