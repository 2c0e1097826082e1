import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import { Projector } from '@kb/read-models';

/** How long a mutation waits for the read models to show its write before it answers anyway. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/** What a write tells about itself: the entity, its revision, and the position of its last event. */
export interface Written {
  readonly entityId: string;
  readonly revision: number;
  /** null when nothing was written. */
  readonly position: string | null;
}

/** How to read the entity a write touched: from the read model, or as the command decided it. */
export interface ReadBack<Outcome, Entity> {
  readonly fromReadModel: (outcome: Outcome) => Promise<Entity | null>;
  readonly asDecided: (outcome: Outcome) => Promise<Entity | null>;
}

/**
 * Every mutation goes through here: it sends the command, waits (bounded) until the projections
 * have reached the position of its append, and reads the entity back from the read model, so the
 * response, and any query sent after it, sees the write. When the projections are behind past the
 * bound, the response is the entity as decided (the same rows the projection will write), and the
 * delay is logged.
 */
@Injectable()
export class ReadYourWrites {
  private readonly logger = new Logger('ReadYourWrites');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly projector: Projector,
  ) {}

  async readBack<Outcome extends Written, Entity>(
    command: Command<Outcome>,
    read: ReadBack<Outcome, Entity>,
  ): Promise<Entity> {
    const { outcome, projected } = await this.write(command);
    const row = projected ? await read.fromReadModel(outcome) : null;
    const entity = row ?? (await read.asDecided(outcome));
    if (entity) return entity;
    throw new Error(
      `The write to ${outcome.entityId} (revision ${outcome.revision}) is stored but cannot be read back.`,
    );
  }

  private async write<Outcome extends Written>(
    command: Command<Outcome>,
  ): Promise<{ outcome: Outcome; projected: boolean }> {
    const outcome = await this.commandBus.execute(command);
    if (outcome.position === null) return { outcome, projected: true };
    const projected = await this.projector.waitForPosition(outcome.position, READ_YOUR_WRITES_TIMEOUT_MS);
    if (!projected)
      this.logger.warn(
        `The read models did not reach position ${outcome.position} within ${READ_YOUR_WRITES_TIMEOUT_MS} ms; answering with the state folded from the events.`,
      );
    return { outcome, projected };
  }
}
