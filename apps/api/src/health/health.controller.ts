import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@kb/event-store';

/** `GET /health`: the service is up and its event store answers. */
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  async health(): Promise<{ status: 'ok'; eventStore: { lastPosition: string | null } }> {
    try {
      const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
      return { status: 'ok', eventStore: { lastPosition: last?.position ?? null } };
    } catch (error) {
      throw new ServiceUnavailableException({
        status: 'unavailable',
        reason: `The event store does not answer: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
