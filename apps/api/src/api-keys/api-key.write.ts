import type { apiKeyStream } from '@kb/domain';
import type { OutcomeOf } from '@kb/event-sourcing';

export type ApiKeyOutcome = OutcomeOf<typeof apiKeyStream>;

/** The outcome of createApiKey: the write, plus the secret, which exists nowhere else. */
export type CreatedApiKeyOutcome = ApiKeyOutcome & { readonly secret: string };
