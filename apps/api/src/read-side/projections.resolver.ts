import { Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Projector } from '@kb/read-models';
import { Allow } from '../graphql/roles.guard';

@ObjectType()
export class ProjectionStatus {
  @Field()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Position of the last event this projection has applied.',
  })
  checkpoint!: string | null;

  @Field(() => Int, { description: 'Events in the store after the checkpoint (counted up to 4096).' })
  lag!: number;

  @Field({ description: 'stopped, catching-up, live, stalled (dead letters wait), rebuilding or failed.' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'Why the projection last failed, if it did.' })
  lastError!: string | null;

  @Field(() => Int, { description: 'Events parked as dead letters, waiting for a fix and a retry.' })
  deadLetters!: number;
}

@Resolver()
export class ProjectionsResolver {
  constructor(private readonly projector: Projector) {}

  @Allow('VIEWER')
  @Query(() => [ProjectionStatus], { description: 'How far each read-model projection is.' })
  projections(): Promise<ProjectionStatus[]> {
    return this.projector.statusWithLag();
  }
}
