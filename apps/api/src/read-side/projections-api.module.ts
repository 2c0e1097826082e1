import { Module } from '@nestjs/common';
import { ProjectionsResolver } from './projections.resolver';

/** The projections as ADMINs see and steer them: status, lag, dead letters, retries. */
@Module({ providers: [ProjectionsResolver] })
export class ProjectionsApiModule {}
