import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class PlanExperimentInput extends WriteOptionsInput implements IncidentInput<'PlanExperiment'> {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  hypothesis!: string;

  @Field(() => String)
  steadyState!: string;

  @Field(() => [String])
  blastRadius!: string[];

  @Field(() => String, { nullable: true })
  abortConditions?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  plannedFor?: string | null;
}

@Resolver()
export class PlanExperimentResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, {
    description:
      'Writes the hypothesis of a CHAOS_EXPERIMENT or GAME_DAY before it runs; again to revise it until it is concluded.',
  })
  planExperiment(
    @Args('input') input: PlanExperimentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'PlanExperiment', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
