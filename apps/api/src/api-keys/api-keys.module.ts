import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventSourcingModule } from '@kb/event-sourcing';
import { API_KEY_BOOTSTRAP_OPTIONS, ApiKeyBootstrap, type ApiKeyBootstrapOptions } from './api-key.bootstrap';
import { ApiKeysResolver } from './api-keys.resolver';
import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler';

/**
 * The API key stream's commands and GraphQL operations (ADMIN only), and the start-up bootstrap of an ADMIN key. Authentication itself
 * is AuthModule's (re-exported here).
 */
@Module({})
export class ApiKeysModule {
  static register(options: ApiKeyBootstrapOptions): DynamicModule {
    return {
      module: ApiKeysModule,
      imports: [EventSourcingModule, AuthModule],
      providers: [
        { provide: API_KEY_BOOTSTRAP_OPTIONS, useValue: options },
        CreateApiKeyHandler,
        ApiKeyBootstrap,
        ApiKeysResolver,
      ],
      exports: [AuthModule],
    };
  }
}
