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
export class AddTimelineEntryInput extends WriteOptionsInput implements IncidentInput<'AddTimelineEntry'> {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => DateTimeScalar)
  at!: string;

  @Field(() => String)
  text!: string;
}

@Resolver()
export class AddTimelineEntryResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Adds an entry to the timeline.' })
  addTimelineEntry(
    @Args('input') input: AddTimelineEntryInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'AddTimelineEntry', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
