import type { Role } from '../shared/vocabulary';

/**
 * The events of an API key's stream (`api-key-<uuid>`). The secret itself is never stored: only its
 * SHA-256 (see docs/adr/0005-api-keys.md). Names never change; payloads are plain JSON.
 */
export type ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked;

export type ApiKeyEventType = ApiKeyEvent['type'];

export interface ApiKeyCreated {
  type: 'ApiKeyCreated';
  data: {
    apiKeyId: string;
    name: string;
    role: Role;
    /** SHA-256 of the secret, 64 lowercase hex digits. */
    secretHash: string;
    createdAt: string;
  };
}

/** The key no longer authenticates, for good. */
export interface ApiKeyRevoked {
  type: 'ApiKeyRevoked';
  data: { apiKeyId: string; revokedAt: string };
}

export const apiKeyStreamId = (apiKeyId: string) => `api-key-${apiKeyId}`;
export const API_KEY_STREAM_PREFIX = 'api-key-';
