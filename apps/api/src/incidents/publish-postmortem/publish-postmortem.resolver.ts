import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { PublishPostmortemCommand } from './publish-postmortem.command';

@InputType()
export class PublishPostmortemInput extends WriteOptionsInput {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  impact!: string;
}

@Resolver()
export class PublishPostmortemResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Publishes the postmortem, which closes the incident.' })
  publishPostmortem(
    @Args('input') input: PublishPostmortemInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.writes.incident(new PublishPostmortemCommand(input, callerOf(context)));
  }
}
