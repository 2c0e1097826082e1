import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import type { Milestone } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { MilestoneEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class RecordMilestoneInput extends WriteOptionsInput implements IncidentInput<'RecordMilestone'> {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => MilestoneEnum)
  milestone!: Milestone;

  @Field(() => DateTimeScalar)
  at!: string;
}

@Resolver()
export class RecordMilestoneResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, {
    description:
      'Records when the incident was detected, acknowledged, mitigated or resolved; recording one again corrects it.',
  })
  recordMilestone(
    @Args('input') input: RecordMilestoneInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'RecordMilestone', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
