import { Inject } from '@nestjs/common';
import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import type { Milestone, PostmortemPolicy } from '@kb/domain';
import { POSTMORTEM_POLICY } from '../../deadlines/deadlines.module';
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
  constructor(
    private readonly incidents: IncidentReadBack,
    @Inject(POSTMORTEM_POLICY) private readonly postmortemPolicy: PostmortemPolicy,
  ) {}

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
      // The deployment's postmortem policy rides along: a first RESOLVED may set the deadline.
      incidentWrite(
        { type: 'RecordMilestone', ...fieldsOf(input), postmortemPolicy: this.postmortemPolicy },
        callerOf(context),
        input,
      ),
    );
  }
}
