import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class PublishPostmortemInput extends WriteOptionsInput implements IncidentInput<'PublishPostmortem'> {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  impact!: string;
}

@Resolver()
export class PublishPostmortemResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Publishes the postmortem, which closes the incident.' })
  publishPostmortem(
    @Args('input') input: PublishPostmortemInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'PublishPostmortem', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
