import { Module, type DynamicModule } from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';

/** The web dashboard at `/` (apps/dashboard), served by every process with the `api` role. */
@Module({})
export class DashboardModule {
  static register(directory: string): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController],
      providers: [{ provide: DashboardAssets, useValue: new DashboardAssets(directory) }],
    };
  }
}
