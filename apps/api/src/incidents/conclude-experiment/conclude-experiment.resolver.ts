import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import type { ExperimentOutcome } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ExperimentOutcomeEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class ConcludeExperimentInput
  extends WriteOptionsInput
  implements IncidentInput<'ConcludeExperiment'>
{
  @Field(() => ID)
  incidentId!: string;

  @Field(() => ExperimentOutcomeEnum)
  outcome!: ExperimentOutcome;

  @Field(() => String)
  observations!: string;

  @Field(() => DateTimeScalar)
  concludedAt!: string;
}

@Resolver()
export class ConcludeExperimentResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, {
    description:
      'Concludes the experiment once; a REFUTED outcome moves it to IN_REVIEW (from OPEN, MITIGATED or RESOLVED) like a finding does.',
  })
  concludeExperiment(
    @Args('input') input: ConcludeExperimentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'ConcludeExperiment', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
