import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@kb/event-store';
import { ActionItemsModule } from './action-items/action-items.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import type { AppConfig } from './config/app-config';
import { HealthController } from './health/health.controller';
import { IncidentsModule } from './incidents/incidents.module';
import { ReadSideModule } from './read-side/read-side.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(config.eventStore),
        ReadSideModule.forRoot(config.readModels),
        IncidentsModule,
        ActionItemsModule,
        ApiKeysModule.register(config),
      ],
      controllers: [HealthController],
    };
  }
}
