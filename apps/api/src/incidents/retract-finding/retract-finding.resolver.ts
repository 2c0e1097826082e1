import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Finding } from '../incident.type';
import { RetractFindingCommand } from './retract-finding.command';

@InputType()
export class RetractFindingInput extends WriteOptionsInput {
  @Field(() => ID)
  findingId!: string;

  @Field(() => String)
  reason!: string;
}

@Resolver()
export class RetractFindingResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Finding, { description: 'Retracts a finding: it stays in the history but counts nowhere.' })
  retractFinding(
    @Args('input') input: RetractFindingInput,
    @Context() context: ApiContext,
  ): Promise<Finding> {
    return this.writes.finding(new RetractFindingCommand(input, callerOf(context)), () => input.findingId);
  }
}
