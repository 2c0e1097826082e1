import { ROLES_BY_PRIVILEGE, type Role } from '@kb/domain';

/** Who a request acts as: the API key (its id is the `actor` of every event it writes) and its role. */
export interface Principal {
  readonly apiKeyId: string;
  readonly role: Role;
}

/**
 * Whether a key of `role` may do what needs `required`. Roles are linear, each including the ones
 * before it: VIEWER < ANALYST < CONTRIBUTOR < ADMIN (docs/architecture.md, "Roles").
 */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES_BY_PRIVILEGE.indexOf(role) >= ROLES_BY_PRIVILEGE.indexOf(required);
}
