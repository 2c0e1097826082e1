import type { DataSource } from 'typeorm';
import type { ApiKeyRow } from '@kb/read-models';
import { ApiKeyAuthenticator, bearerSecret } from './api-key.authenticator';
import { hashApiKeySecret } from './api-key-secret';

const SECRET = 'kb_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
const row = (overrides: Partial<ApiKeyRow> = {}): ApiKeyRow => ({
  id: '3c9e4a52-52c4-4d5e-9a7e-6f3f1f1f0001',
  revision: 0,
  name: 'Portal',
  role: 'CONTRIBUTOR',
  secretHash: hashApiKeySecret(SECRET),
  createdAt: '2026-03-01T12:00:00.000Z',
  revokedAt: null,
  ...overrides,
});

/** A read model holding `rows`: the authenticator only looks keys up by secret hash. */
function authenticatorOver(rows: ApiKeyRow[]) {
  const lookups: unknown[] = [];
  const dataSource = {
    manager: {
      find: (_entity: unknown, options: { where: { secretHash: string } }) => {
        lookups.push(options.where);
        return Promise.resolve(rows.filter((r) => r.secretHash === options.where.secretHash));
      },
    },
  } as unknown as DataSource;
  return { authenticator: new ApiKeyAuthenticator(dataSource), lookups };
}

describe('ApiKeyAuthenticator', () => {
  it('knows a key by its bearer secret, with the scheme in any case', async () => {
    const { authenticator, lookups } = authenticatorOver([row()]);
    for (const header of [`Bearer ${SECRET}`, `bearer ${SECRET}`, `BEARER  ${SECRET} `])
      await expect(authenticator.authenticate(header)).resolves.toEqual({
        apiKeyId: row().id,
        role: 'CONTRIBUTOR',
      });
    // Looked up by hash only: the secret itself never leaves this process.
    expect(lookups).toEqual([0, 1, 2].map(() => ({ secretHash: hashApiKeySecret(SECRET) })));
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${SECRET}`],
    ['no scheme', SECRET],
    ['no secret', 'Bearer '],
    ['two tokens', `Bearer ${SECRET} extra`],
    ['an unknown secret', 'Bearer kb_unknown-secret-0000000000000000000000000'],
    ['a secret too long to be one', `Bearer ${'k'.repeat(600)}`],
  ])('refuses %s', async (_case, header) => {
    const { authenticator } = authenticatorOver([row()]);
    await expect(authenticator.authenticate(header)).resolves.toBeNull();
  });

  it('refuses a revoked key', async () => {
    const { authenticator } = authenticatorOver([row({ revokedAt: '2026-03-02T00:00:00.000Z' })]);
    await expect(authenticator.authenticate(`Bearer ${SECRET}`)).resolves.toBeNull();
  });
});

describe('bearerSecret', () => {
  it('takes the one token after the scheme', () => {
    expect(bearerSecret('Bearer abc')).toBe('abc');
    expect(bearerSecret('bEaReR\tabc')).toBe('abc');
    expect(bearerSecret('Bearerabc')).toBeNull();
  });
});
