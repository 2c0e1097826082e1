import { HttpException, HttpStatus } from '@nestjs/common';
import type { Role } from '@kb/domain';
import type { ApiKeyAuthenticator } from './api-key.authenticator';
import { roleAllows, type Principal } from './principal';

/**
 * The API key of a plain HTTP route (CSV exports, alert intake), checked as GraphQL checks it:
 * 401 UNAUTHENTICATED without a valid key, 403 FORBIDDEN below `role`. `what` says what the role
 * may not do ("export reports"); `where` tells the caller where the key goes, when that helps.
 */
export async function authorizeHttp(
  authenticator: ApiKeyAuthenticator,
  authorization: string | undefined,
  required: { readonly role: Role; readonly what: string; readonly where?: string },
): Promise<Principal> {
  const principal = await authenticator.authenticate(authorization);
  if (!principal)
    throw new HttpException(
      {
        code: 'UNAUTHENTICATED',
        message: `No valid API key: send "Authorization: Bearer <secret>" with the secret of an API key that is not revoked${required.where ? ` (${required.where})` : ''}.`,
      },
      HttpStatus.UNAUTHORIZED,
    );
  if (!roleAllows(principal.role, required.role))
    throw new HttpException(
      {
        code: 'FORBIDDEN',
        message: `This API key's role ${principal.role} may not ${required.what}; it needs ${required.role} or above.`,
      },
      HttpStatus.FORBIDDEN,
    );
  return principal;
}
