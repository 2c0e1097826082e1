import type { Caller } from '@kb/event-sourcing';
import type { Principal } from '../auth/principal';
import type { ReadModelLoaders } from '../read-side/read-model-loaders';

/** The context of one GraphQL request or subscription. */
export interface ApiContext {
  readonly principal: Principal;
  readonly correlationId: string;
  /** Batches the read-model lookups of nested fields (DataLoader). */
  readonly loaders: ReadModelLoaders;
}

export function callerOf(context: ApiContext): Caller {
  return { actor: context.principal.apiKeyId, correlationId: context.correlationId };
}
