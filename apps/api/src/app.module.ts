import { Module, type DynamicModule } from '@nestjs/common';
import { EventStoreModule } from '@kb/event-store';
import type { AppConfig } from './config/app-config';
import { HealthController } from './health/health.controller';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [EventStoreModule.forRoot(config.eventStore)],
      controllers: [HealthController],
    };
  }
}
