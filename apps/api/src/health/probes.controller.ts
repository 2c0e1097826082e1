import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { ReadinessChecks } from './readiness-checks';
import { SharedResultCache } from './shared-result-cache';
import { ShutdownState } from './shutdown-state';

/** How long one computed readiness answers `/health/ready`: a flood of probes costs one a second. */
export const READINESS_TTL_MS = 1000;

/** A terminus result, with the reasons of the checks that are down, in words, at the top. */
type ReadinessBody = HealthCheckResult & { reasons?: string[] };

/**
 * The probes of an orchestrator or a load balancer (docs/operations/health-and-shutdown.md):
 * - `GET /health/live`: the process answers; no I/O, so a slow database never gets it restarted;
 * - `GET /health/ready`: 200 when the event store and the read-model database answer and every
 *   projection is current, else 503 with the reasons; 503 at once when a shutdown begins.
 * `GET /health` (HealthController) stays the detailed view for people.
 */
@Controller('health')
export class ProbesController {
  private readonly readiness = new SharedResultCache(() => this.computeReadiness(), READINESS_TTL_MS);
  private readonly logger = new Logger('Readiness');
  private wasReady: boolean | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly checks: ReadinessChecks,
    private readonly shutdownState: ShutdownState,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<ReadinessBody> {
    // Not from the cache: a shutdown turns readiness to 503 on the very next probe.
    const answer = this.shutdownState.shuttingDown
      ? await this.check([() => this.checks.shutdown()])
      : await this.readiness.get();
    if (answer.ready) return answer.body;
    throw new ServiceUnavailableException(answer.body);
  }

  private async computeReadiness(): Promise<{ ready: boolean; body: ReadinessBody }> {
    const answer = await this.check([
      () => this.checks.shutdown(),
      () => this.checks.eventStore(),
      () => this.checks.readDatabase(),
      () => this.checks.projections(),
    ]);
    if (answer.ready !== this.wasReady) {
      if (answer.ready)
        this.logger.log('Ready: the event store, the read-model database and every projection are fine.');
      else this.logger.warn(`Not ready (GET /health/ready answers 503): ${answer.body.reasons?.join(' ')}`);
      this.wasReady = answer.ready;
    }
    return answer;
  }

  /** Runs the checks; a check that is down makes terminus throw 503 with the result, kept here. */
  private async check(
    indicators: Parameters<HealthCheckService['check']>[0],
  ): Promise<{ ready: boolean; body: ReadinessBody }> {
    try {
      return { ready: true, body: await this.health.check(indicators) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const body = error.getResponse() as HealthCheckResult;
      const reasons = Object.values(body.error ?? {}).flatMap((detail) =>
        typeof detail?.reason === 'string' ? [detail.reason] : [],
      );
      return { ready: false, body: { ...body, reasons } };
    }
  }
}
