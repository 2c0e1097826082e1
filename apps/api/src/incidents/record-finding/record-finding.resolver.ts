import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import type { FactorCategory, FindingKind } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { FactorCategoryEnum, FindingKindEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { recordedFindingId } from '../finding-ids';
import { Finding } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class RecordFindingInput extends WriteOptionsInput implements IncidentInput<'RecordFinding'> {
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
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Finding, {
    description:
      'Records a trigger, contributing factor, lesson, what went well or where the team got lucky.',
  })
  recordFinding(@Args('input') input: RecordFindingInput, @Context() context: ApiContext): Promise<Finding> {
    const write = incidentWrite({ type: 'RecordFinding', ...fieldsOf(input) }, callerOf(context), input);
    return this.incidents.finding(write, (outcome) => recordedFindingId(outcome.events));
  }
}
