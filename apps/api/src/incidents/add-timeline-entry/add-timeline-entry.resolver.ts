import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { AddTimelineEntryCommand } from './add-timeline-entry.command';

@InputType()
export class AddTimelineEntryInput extends WriteOptionsInput {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => DateTimeScalar)
  at!: string;

  @Field(() => String)
  text!: string;
}

@Resolver()
export class AddTimelineEntryResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Adds an entry to the timeline.' })
  addTimelineEntry(
    @Args('input') input: AddTimelineEntryInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.writes.incident(new AddTimelineEntryCommand(input, callerOf(context)));
  }
}
