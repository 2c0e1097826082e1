import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { Milestone } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { MilestoneEnum } from '../../graphql/enums';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { RecordMilestoneCommand } from './record-milestone.command';

@InputType()
export class RecordMilestoneInput extends WriteOptionsInput {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => MilestoneEnum)
  milestone!: Milestone;

  @Field(() => DateTimeScalar)
  at!: string;
}

@Resolver()
export class RecordMilestoneResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, {
    description:
      'Records when the incident was detected, acknowledged, mitigated or resolved; recording one again corrects it.',
  })
  recordMilestone(
    @Args('input') input: RecordMilestoneInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.writes.incident(new RecordMilestoneCommand(input, callerOf(context)));
  }
}
