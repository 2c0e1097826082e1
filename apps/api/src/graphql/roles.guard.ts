import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { forbidden } from './api-errors';
import type { Role } from '@kb/domain';
import { roleAllows } from '../auth/principal';
import type { ApiContext } from './api-context';

const REQUIRED_ROLE = 'kb:requiredRole';

/** The least role that may call this query, mutation or subscription (see the roles in the README). */
export const Allow = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/**
 * For a field of an object type that needs more than the query it is reached by (e.g.
 * `Incident.history`, whose raw events need the role of the `events` query). RolesGuard sees only
 * queries, mutations and subscriptions: Nest runs no guards on field resolvers. The field is refused
 * with FORBIDDEN, at its own path; `what` names it, as in "read Incident.history".
 */
export function requireRole(context: ApiContext, required: Role, what: string): void {
  const { role } = context.principal;
  if (!roleAllows(role, required)) throw forbidden(role, required, what);
}

/**
 * Checks every GraphQL operation against its `@Allow` role. An operation without one is refused: a
 * new resolver must say who may call it. (Authentication happens before, when the context is made.)
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const { principal } = gql.getContext<ApiContext>();
    const what = `${gql.getInfo<{ fieldName: string }>().fieldName}`;
    if (required === undefined) throw forbidden(principal.role, 'a declared role', what);
    if (!roleAllows(principal.role, required)) throw forbidden(principal.role, required, what);
    return true;
  }
}
