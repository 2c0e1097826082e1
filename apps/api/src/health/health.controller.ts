import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { Projector, type ProjectionRunStatus } from '@kb/read-models';
import { SharedResultCache } from './shared-result-cache';

/** How long one computed status answers `/health`: a flood of calls costs one computation a second. */
export const HEALTH_STATUS_TTL_MS = 1000;

interface HealthStatus {
  status: 'ok';
  eventStore: { lastPosition: string | null };
  projections: Array<ProjectionRunStatus & { lag: number }>;
}

/**
 * `GET /health`: the service is up, its event store answers, and how far each projection is. The
 * status is computed at most once a second and shared by every caller meanwhile (a failure too, so
 * the answer turns 503 within a second of the event store failing, and back as soon).
 */
@Controller('health')
export class HealthController {
  private readonly status = new SharedResultCache(() => this.computeStatus(), HEALTH_STATUS_TTL_MS);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
  ) {}

  @Get()
  async health(): Promise<HealthStatus> {
    try {
      return await this.status.get();
    } catch (error) {
      throw new ServiceUnavailableException({
        status: 'unavailable',
        reason: `The event store does not answer: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  private async computeStatus(): Promise<HealthStatus> {
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
    return {
      status: 'ok',
      eventStore: { lastPosition: last?.position ?? null },
      projections: await this.projector.statusWithLag(),
    };
  }
}
