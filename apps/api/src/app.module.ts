import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@kb/event-store';
import { ActionItemsApiModule } from './action-items/action-items-api.module';
import { AlertmanagerModule } from './alertmanager/alertmanager.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import type { AppConfig } from './config/app-config';
import { ErrorLoggingFilter } from './errors/error-logging.filter';
import { EventLogModule } from './event-log/event-log.module';
import { GraphQLApiModule } from './graphql/graphql-api.module';
import { HealthModule } from './health/health.module';
import { IncidentsApiModule } from './incidents/incidents-api.module';
import { ProjectionsApiModule } from './read-side/projections-api.module';
import { ReadSideModule } from './read-side/read-side.module';
import { ReportsModule } from './reports/reports.module';
import { SearchModule } from './search/search.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(config.eventStore),
        ReadSideModule.forRoot(config.readModels),
        IncidentsApiModule,
        ActionItemsApiModule,
        ReportsModule,
        ApiKeysModule.register(config),
        WebhooksModule.register(config.webhooks, config.roles.has('webhooks')),
        EventLogModule,
        SearchModule,
        ProjectionsApiModule,
        AlertmanagerModule,
        GraphQLApiModule.forRoot(config.graphql),
        HealthModule.register(config.readiness),
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorLoggingFilter }],
    };
  }
}
