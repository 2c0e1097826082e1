import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import { apiKeyCatalogue } from './api-key.catalogue';
import { deciderSpecification, NOW } from '../testing/decider-specification';
import { decideApiKey, type ApiKeyCommand } from './api-key.decider';
import type { ApiKeyCreated, ApiKeyEvent, ApiKeyRevoked } from './api-key.events';
import { evolveApiKey, initialApiKeyState, type ApiKeyState } from './api-key.state';

const spec = deciderSpecification<ApiKeyCommand, ApiKeyEvent, ApiKeyState>({
  decide: decideApiKey,
  evolve: evolveApiKey,
  initialState: initialApiKeyState,
});

const KEY = '3c9e4a52-52c4-4d5e-9a7e-6f3f1f1f0001';
const HASH = 'a'.repeat(64);
const LATER = new Date('2026-03-02T08:00:00.000Z');

const create = (
  overrides: Partial<Extract<ApiKeyCommand, { type: 'CreateApiKey' }>> = {},
): ApiKeyCommand => ({
  type: 'CreateApiKey',
  apiKeyId: KEY,
  name: '  Postmortem portal ',
  role: 'CONTRIBUTOR',
  secretHash: HASH,
  ...overrides,
});
const created: ApiKeyCreated = {
  type: 'ApiKeyCreated',
  data: {
    apiKeyId: KEY,
    name: 'Postmortem portal',
    role: 'CONTRIBUTOR',
    secretHash: HASH,
    createdAt: NOW.toISOString(),
  },
};
const revoked: ApiKeyRevoked = {
  type: 'ApiKeyRevoked',
  data: { apiKeyId: KEY, revokedAt: NOW.toISOString() },
};
const revoke: ApiKeyCommand = { type: 'RevokeApiKey', apiKeyId: KEY };

describe('API key rules', () => {
  it('creates a key with a trimmed name, a role and the hash of its secret', () => {
    spec.given([]).when(create()).then([created]);
  });

  it.each(['VIEWER', 'ANALYST', 'CONTRIBUTOR', 'ADMIN'])('accepts the role %s', (role) => {
    const [event] = spec.given([]).when(create({ role })).decision();
    expect(event.data).toMatchObject({ role });
  });

  it.each([
    [{ name: '' }, 'name: must not be empty'],
    [{ name: '   ' }, 'name: must not be empty'],
    [{ name: 'x'.repeat(101) }, 'name: must be at most 100 characters (it has 101)'],
    [{ role: 'OWNER' }, /role: must be one of VIEWER, CONTRIBUTOR, ANALYST, ADMIN \(not 'OWNER'\)/],
    [{ role: 'admin' }, /role: must be one of/],
    [{ secretHash: 'kb_not-a-hash' }, /secretHash: must be a SHA-256 digest/],
  ])('refuses bad input %j', (overrides, message) => {
    spec.given([]).when(create(overrides)).thenThrows(DomainRuleError, message);
  });

  it('takes a name of exactly 100 characters', () => {
    const [event] = spec
      .given([])
      .when(create({ name: 'n'.repeat(100) }))
      .decision();
    expect(event.data).toMatchObject({ name: 'n'.repeat(100) });
  });

  it('never echoes a wrong secret hash, which might be a secret passed by mistake', () => {
    const run = spec.given([]).when(create({ secretHash: 'kb_SuperSecretValue' })).decision;
    expect(run).toThrow(DomainRuleError);
    expect(run).not.toThrow(/SuperSecretValue/);
  });

  it('refuses to create a key whose id is taken', () => {
    spec
      .given([created])
      .when(create())
      .thenThrows(DomainRuleError, /apiKeyId: an API key with the id/);
  });

  describe('revoking', () => {
    it('revokes an active key', () => {
      spec.given([created]).when(revoke).then([revoked]);
    });

    it('is idempotent: a revoked key stays revoked as of the first revocation, and nothing is written', () => {
      spec.given([created, revoked]).when(revoke, LATER).then([]);
      const state = [created, revoked].reduce(evolveApiKey, initialApiKeyState);
      expect(state).toMatchObject({ exists: true, revokedAt: NOW.toISOString() });
    });

    it('of a key that does not exist says so', () => {
      spec.given([]).when(revoke).thenThrows(EntityNotFoundError, `id: no api key has the id '${KEY}'.`);
    });
  });

  it('folds its events into the key as it is now', () => {
    expect([created, revoked].reduce(evolveApiKey, initialApiKeyState)).toEqual({
      exists: true,
      id: KEY,
      name: 'Postmortem portal',
      role: 'CONTRIBUTOR',
      secretHash: HASH,
      createdAt: NOW.toISOString(),
      revokedAt: NOW.toISOString(),
    });
  });

  it('has version 1 of both event types in its catalogue', () => {
    expect(apiKeyCatalogue.versions).toEqual({ ApiKeyCreated: 1, ApiKeyRevoked: 1 });
  });
});
