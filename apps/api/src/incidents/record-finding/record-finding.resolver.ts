import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { FactorCategory, FindingKind } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { FactorCategoryEnum, FindingKindEnum } from '../../graphql/enums';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { recordedFindingId } from '../finding-command';
import { Finding } from '../incident.type';
import { RecordFindingCommand } from './record-finding.command';

@InputType()
export class RecordFindingInput extends WriteOptionsInput {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => FindingKindEnum)
  kind!: FindingKind;

  @Field(() => FactorCategoryEnum, { nullable: true })
  category?: FactorCategory | null;

  @Field(() => String)
  description!: string;
}

@Resolver()
export class RecordFindingResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Finding, {
    description:
      'Records a trigger, contributing factor, lesson, what went well or where the team got lucky.',
  })
  recordFinding(@Args('input') input: RecordFindingInput, @Context() context: ApiContext): Promise<Finding> {
    return this.writes.finding(new RecordFindingCommand(input, callerOf(context)), (outcome) =>
      recordedFindingId(outcome.events),
    );
  }
}
