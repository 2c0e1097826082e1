import type { Role } from '../shared/vocabulary';
import type { ApiKeyEvent } from './api-key.events';

export interface ApiKeyDetails {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export type ApiKeyState = { readonly exists: false } | ({ readonly exists: true } & ApiKeyDetails);

export const initialApiKeyState: ApiKeyState = { exists: false };

export function evolveApiKey(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  if (event.type === 'ApiKeyCreated') {
    const { apiKeyId, ...rest } = event.data;
    return { exists: true, id: apiKeyId, ...rest, revokedAt: null };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'ApiKeyRevoked':
      return { ...state, revokedAt: event.data.revokedAt };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown API key event: ${JSON.stringify(event)}`);
}
