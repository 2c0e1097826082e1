import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { Projector, type ProjectionRunStatus } from '@kb/read-models';

/** `GET /health`: the service is up, its event store answers, and how far each projection is. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
  ) {}

  @Get()
  async health(): Promise<{
    status: 'ok';
    eventStore: { lastPosition: string | null };
    projections: Array<ProjectionRunStatus & { lag: number }>;
  }> {
    try {
      const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
      return {
        status: 'ok',
        eventStore: { lastPosition: last?.position ?? null },
        projections: await this.projector.statusWithLag(),
      };
    } catch (error) {
      throw new ServiceUnavailableException({
        status: 'unavailable',
        reason: `The event store does not answer: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
