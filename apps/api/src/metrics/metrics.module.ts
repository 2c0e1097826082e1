import { Module, type DynamicModule } from '@nestjs/common';
import { METRICS_OPTIONS, MetricsController, type MetricsOptions } from './metrics.controller';
import { ReadSideGauges } from './read-side-gauges';
import { ServiceMetrics } from './service-metrics';

/**
 * `/metrics` (Prometheus). The application makes its ServiceMetrics before its modules, since the
 * event store, the projector and webhook delivery are given its hooks as they are built; this module
 * serves them with the gauges read at scrape time. Global: the GraphQL module takes its plugin here.
 */
@Module({})
export class MetricsModule {
  static register(metrics: ServiceMetrics, options: MetricsOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: ServiceMetrics, useValue: metrics },
        { provide: METRICS_OPTIONS, useValue: options },
        ReadSideGauges,
      ],
      exports: [ServiceMetrics],
    };
  }
}
