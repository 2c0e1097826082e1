import { Inject, Injectable } from '@nestjs/common';
import type { Command } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { ActionItemRow } from '@kb/read-models';
import { StreamHistory } from '../event-log/stream-history';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { ReadYourWrites } from '../read-side/read-your-writes';
import type { ActionItem } from './action-item.type';
import type { ActionItemOutcome } from './action-item.write';

/** Sends an action-item write and answers with the action item as written. */
@Injectable()
export class ActionItemReadBack {
  constructor(
    private readonly writes: ReadYourWrites,
    private readonly streams: StreamHistory,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  actionItem(write: Command<ActionItemOutcome>): Promise<ActionItem> {
    return this.writes.readBack(write, {
      fromReadModel: (outcome) =>
        this.dataSource.getRepository(ActionItemRow).findOneBy({ id: outcome.entityId }),
      asDecided: (outcome) => this.streams.actionItemAsOf(outcome.entityId, null),
    });
  }
}
