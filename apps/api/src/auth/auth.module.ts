import { Module } from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key.authenticator';

/**
 * Authentication by API key. Needs the read side (READ_MODEL_DATA_SOURCE, a global module); import
 * it where requests are authenticated (the GraphQL API).
 */
@Module({
  providers: [ApiKeyAuthenticator],
  exports: [ApiKeyAuthenticator],
})
export class AuthModule {}
