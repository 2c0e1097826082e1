import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@kb/event-store';
import { ActionItemsApiModule } from './action-items/action-items-api.module';
import { AlertmanagerModule } from './alertmanager/alertmanager.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import type { AppConfig } from './config/app-config';
import { DashboardModule } from './dashboard/dashboard.module';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { ErrorLoggingFilter } from './errors/error-logging.filter';
import { EventLogModule } from './event-log/event-log.module';
import { GraphQLApiModule } from './graphql/graphql-api.module';
import { HealthModule } from './health/health.module';
import { RequestBudgetModule } from './http/request-budget.module';
import { IncidentsApiModule } from './incidents/incidents-api.module';
import { MetricsModule } from './metrics/metrics.module';
import { ServiceMetrics } from './metrics/service-metrics';
import { ProjectionsApiModule } from './read-side/projections-api.module';
import { ReadSideModule } from './read-side/read-side.module';
import { ReportsModule } from './reports/reports.module';
import { SearchModule } from './search/search.module';
import { SimilarModule } from './similar/similar.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    // What only a process serving the API needs (KB_ROLES has `api`): GraphQL and the HTTP intake.
    const api = config.roles.has('api')
      ? [
          IncidentsApiModule,
          ActionItemsApiModule,
          ReportsModule,
          ApiKeysModule.register(config),
          EventLogModule,
          SearchModule,
          SimilarModule,
          ProjectionsApiModule,
          AlertmanagerModule,
          GraphQLApiModule.forRoot(config.graphql),
          DashboardModule.register(config.dashboardDir),
        ]
      : [];
    // One registry per application (tests run several in a process); its hooks go to the modules.
    const metrics = new ServiceMetrics();
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(config.eventStore, metrics.eventStoreObservers),
        ReadSideModule.forRoot(config.readModels, {
          ...metrics.projectorOptions,
          mayApply: config.roles.has('projector'),
        }),
        WebhooksModule.register(
          config.webhooks,
          config.roles.has('webhooks'),
          metrics.observeWebhookDelivery,
        ),
        DeadlinesModule.register(config.deadlines, config.roles.has('projector')),
        ...api,
        // Served by every process, whatever its KB_ROLES.
        MetricsModule.register(metrics, { key: config.metricsKey }),
        RequestBudgetModule.forRoot(config.requestBudget),
        HealthModule.register(config.readiness),
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorLoggingFilter }],
    };
  }
}
