import {
  apiKeyCatalogue,
  apiKeyStreamId,
  decideApiKey,
  evolveApiKey,
  initialApiKeyState,
  type ApiKeyCommand,
  type ApiKeyEvent,
  type ApiKeyState,
} from '@kb/domain';
import type { CommandOutcome, StreamDefinition } from '../event-sourcing/command-executor';

export const apiKeyStream: StreamDefinition<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = {
  streamId: apiKeyStreamId,
  catalogue: apiKeyCatalogue,
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
};

export type ApiKeyOutcome = CommandOutcome<ApiKeyEvent, ApiKeyState>;

/** The outcome of createApiKey: the write, plus the secret, which exists nowhere else. */
export type CreatedApiKeyOutcome = ApiKeyOutcome & { readonly secret: string };
