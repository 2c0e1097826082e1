import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ProbesController } from './probes.controller';
import { READINESS_SETTINGS, ReadinessChecks, type ReadinessCheckSettings } from './readiness-checks';
import { ShutdownState } from './shutdown-state';

/**
 * `/health` (the detailed view), `/health/live` and `/health/ready` (the probes), and the shutdown
 * state that turns readiness to 503 (set by the graceful shutdown, which gets it from here).
 */
@Module({})
export class HealthModule {
  static register(settings: ReadinessCheckSettings): DynamicModule {
    return {
      module: HealthModule,
      // Readiness logs its own changes, in words; terminus would log every failing probe.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, ProbesController],
      providers: [ReadinessChecks, ShutdownState, { provide: READINESS_SETTINGS, useValue: settings }],
      exports: [ShutdownState],
    };
  }
}
