import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@kb/domain';

/** One API key: what authentication looks up (by secret hash) and what the `apiKeys` query lists. */
@Entity('api_keys')
export class ApiKeyRow {
  @PrimaryColumn('text')
  id!: string;

  /** Revision of the key's stream's last event applied here (0-based). */
  @Column('integer')
  revision!: number;

  @Column('text')
  name!: string;

  @Column('text')
  role!: Role;

  /** SHA-256 of the secret, hex. Never returned by the query functions that list keys. */
  @Column('text', { name: 'secret_hash' })
  secretHash!: string;

  @Column('text', { name: 'created_at' })
  createdAt!: string;

  @Column('text', { name: 'revoked_at', nullable: true })
  revokedAt!: string | null;
}
