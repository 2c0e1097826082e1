import { Module } from '@nestjs/common';
import { IncidentSimilarResolver, SimilarIncidentResolver } from './similar.resolver';

/** Similar past incidents and their lessons (`similarIncidents`, `Incident.similar`). */
@Module({ providers: [SimilarIncidentResolver, IncidentSimilarResolver] })
export class SimilarModule {}
