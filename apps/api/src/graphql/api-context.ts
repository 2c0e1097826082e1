import type { Caller } from '../event-sourcing/command-context';
import type { Role } from './enums';

/** Who calls: the API key's id (the `actor` of the events it writes) and its role. */
export interface Principal {
  readonly apiKeyId: string;
  readonly role: Role;
}

/** The context of one GraphQL request or subscription. */
export interface ApiContext {
  readonly principal: Principal;
  readonly correlationId: string;
}

export function callerOf(context: ApiContext): Caller {
  return { actor: context.principal.apiKeyId, correlationId: context.correlationId };
}

/** Turns an `Authorization` header value into the caller's principal, or null when it names no valid key. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal | null>;
}

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
