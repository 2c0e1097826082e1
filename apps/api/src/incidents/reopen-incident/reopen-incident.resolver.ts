import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { ReopenIncidentCommand } from './reopen-incident.command';

@InputType()
export class ReopenIncidentInput extends WriteOptionsInput {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  reason!: string;
}

@Resolver()
export class ReopenIncidentResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Sends the incident back to OPEN, with the reason.' })
  reopenIncident(
    @Args('input') input: ReopenIncidentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.writes.incident(new ReopenIncidentCommand(input, callerOf(context)));
  }
}
