import type { StreamDefinition } from '../shared/stream-definition';
import { apiKeyCatalogue } from './api-key.catalogue';
import { decideApiKey, type ApiKeyCommand } from './api-key.decider';
import { apiKeyStreamId, type ApiKeyEvent } from './api-key.events';
import { evolveApiKey, initialApiKeyState, type ApiKeyState } from './api-key.state';

export const apiKeyStream: StreamDefinition<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = {
  streamId: apiKeyStreamId,
  catalogue: apiKeyCatalogue,
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
};
