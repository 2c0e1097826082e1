import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { FactorCategory, FindingKind } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { FactorCategoryEnum, FindingKindEnum } from '../../graphql/enums';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Finding } from '../incident.type';
import { ReviseFindingCommand } from './revise-finding.command';

@InputType()
export class ReviseFindingInput extends WriteOptionsInput {
  @Field(() => ID)
  findingId!: string;

  @Field(() => FindingKindEnum, { nullable: true })
  kind?: FindingKind | null;

  @Field(() => FactorCategoryEnum, { nullable: true })
  category?: FactorCategory | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@Resolver()
export class ReviseFindingResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Finding, {
    description:
      'Corrects a finding; only the fields given change. expectedRevision is the revision of its incident.',
  })
  reviseFinding(@Args('input') input: ReviseFindingInput, @Context() context: ApiContext): Promise<Finding> {
    return this.writes.finding(new ReviseFindingCommand(input, callerOf(context)), () => input.findingId);
  }
}
