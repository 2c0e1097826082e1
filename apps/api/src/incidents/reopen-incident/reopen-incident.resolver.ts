import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class ReopenIncidentInput extends WriteOptionsInput implements IncidentInput<'ReopenIncident'> {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  reason!: string;
}

@Resolver()
export class ReopenIncidentResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Sends the incident back to OPEN, with the reason.' })
  reopenIncident(
    @Args('input') input: ReopenIncidentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'ReopenIncident', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
