import { Inject, Injectable } from '@nestjs/common';
import type { Command } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { FindingRow, IncidentRow } from '@kb/read-models';
import { StreamHistory } from '../event-log/stream-history';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { ReadYourWrites } from '../read-side/read-your-writes';
import type { Finding, Incident } from './incident.type';
import type { IncidentOutcome, IncidentWrite } from './incident.write';

/** Sends an incident write and answers with what it wrote: the incident, or one of its findings. */
@Injectable()
export class IncidentReadBack {
  constructor(
    private readonly writes: ReadYourWrites,
    private readonly streams: StreamHistory,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  incident(write: Command<IncidentOutcome>): Promise<Incident> {
    return this.writes.readBack(write, {
      fromReadModel: (outcome) =>
        this.dataSource.getRepository(IncidentRow).findOneBy({ id: outcome.entityId }),
      asDecided: (outcome) => this.streams.incidentAsOf(outcome.entityId, null),
    });
  }

  finding(write: IncidentWrite, findingIdOf: (outcome: IncidentOutcome) => string): Promise<Finding> {
    return this.writes.readBack(write, {
      fromReadModel: (outcome) =>
        this.dataSource.getRepository(FindingRow).findOneBy({ id: findingIdOf(outcome) }),
      asDecided: async (outcome) => {
        const incident = await this.streams.incidentAsOf(outcome.entityId, null);
        return incident?.asOf?.findings.find((finding) => finding.id === findingIdOf(outcome)) ?? null;
      },
    });
  }
}
