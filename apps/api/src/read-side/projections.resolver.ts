import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { DomainRuleError } from '@kb/domain';
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

@ObjectType({ description: 'What a retry of parked events did, per projection.' })
export class DeadLetterRetry {
  @Field()
  projection!: string;

  @Field(() => Int, { description: 'Parked events that applied this time and left the dead letters.' })
  applied!: number;

  @Field(() => Int, { description: 'Parked events still failing (or waiting behind one that fails).' })
  remaining!: number;
}

@ObjectType({ description: 'What a rebuild did, per projection.' })
export class ProjectionRebuild {
  @Field()
  projection!: string;

  @Field(() => Int, { description: 'Events replayed.' })
  events!: number;

  @Field(() => Int, { description: 'Events parked as dead letters during the rebuild.' })
  parked!: number;
}

@Resolver()
export class ProjectionsResolver {
  constructor(private readonly projector: Projector) {}

  @Allow('VIEWER')
  @Query(() => [ProjectionStatus], { description: 'How far each read-model projection is.' })
  projections(): Promise<ProjectionStatus[]> {
    return this.projector.statusWithLag();
  }

  @Allow('ADMIN')
  @Mutation(() => [DeadLetterRetry], {
    description:
      'Applies the parked events (dead letters) of one projection, or of all, again: after a fix, they leave the dead letters.',
  })
  async retryDeadLetters(
    @Args('projection', { type: () => String, nullable: true }) projection: string | null,
  ): Promise<DeadLetterRetry[]> {
    this.checkName(projection);
    const results = await this.projector.retryDeadLetters(projection ?? undefined);
    return results.map(({ name, applied, remaining }) => ({ projection: name, applied, remaining }));
  }

  @Allow('ADMIN')
  @Mutation(() => [ProjectionRebuild], {
    description:
      'Replays the whole event log into one projection, or all, from empty. Queries keep answering from the old rows until the rebuilt ones commit.',
  })
  async rebuildProjections(
    @Args('projection', { type: () => String, nullable: true }) projection: string | null,
  ): Promise<ProjectionRebuild[]> {
    this.checkName(projection);
    const results = await this.projector.rebuild(projection ?? undefined);
    return results.map(({ projection: name, events, parked }) => ({ projection: name, events, parked }));
  }

  private checkName(projection: string | null): void {
    const names = this.projector.status().map((status) => status.name);
    if (projection !== null && !names.includes(projection))
      throw new DomainRuleError(
        'projection',
        `must be one of ${names.join(', ')}, not '${projection.slice(0, 100)}'.`,
      );
  }
}
