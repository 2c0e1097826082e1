import type { DataSource } from 'typeorm';
import type { Role } from '@kb/domain';
import { ApiKeyRow } from './api-key.entity';

/** An API key as the contract's `ApiKey` type shows it: never with its secret hash. */
export interface ApiKeyView {
  readonly id: string;
  readonly revision: number;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** Every API key, revoked ones too, oldest first. */
export async function listApiKeys(dataSource: DataSource): Promise<ApiKeyView[]> {
  const rows = await dataSource.manager.find(ApiKeyRow, { order: { createdAt: 'ASC', id: 'ASC' } });
  return rows.map(toApiKeyView);
}

export async function findApiKeyById(dataSource: DataSource, id: string): Promise<ApiKeyView | null> {
  const row = await dataSource.manager.findOneBy(ApiKeyRow, { id });
  return row && toApiKeyView(row);
}

/**
 * The key whose secret has this SHA-256 (hex), revoked or not; when (against all odds) several
 * share it, an active one wins. The caller checks `revokedAt`.
 */
export async function findApiKeyBySecretHash(
  dataSource: DataSource,
  secretHash: string,
): Promise<(ApiKeyView & { readonly secretHash: string }) | null> {
  const rows = await dataSource.manager.find(ApiKeyRow, { where: { secretHash }, order: { id: 'ASC' } });
  const row = rows.find((r) => r.revokedAt === null) ?? rows[0];
  return row ? { ...toApiKeyView(row), secretHash: row.secretHash } : null;
}

function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    revision: row.revision,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}
