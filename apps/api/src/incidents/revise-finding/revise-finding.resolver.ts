import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import type { FactorCategory, FindingKind } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { FactorCategoryEnum, FindingKindEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { incidentOfFinding } from '../finding-ids';
import { Finding } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class ReviseFindingInput
  extends WriteOptionsInput
  implements Omit<IncidentInput<'ReviseFinding'>, 'incidentId'>
{
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
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Finding, {
    description:
      'Corrects a finding; only the fields given change. expectedRevision is the revision of its incident.',
  })
  reviseFinding(@Args('input') input: ReviseFindingInput, @Context() context: ApiContext): Promise<Finding> {
    const incidentId = incidentOfFinding(input.findingId);
    const write = incidentWrite(
      { type: 'ReviseFinding', incidentId, ...fieldsOf(input) },
      callerOf(context),
      input,
    );
    return this.incidents.finding(write, () => input.findingId);
  }
}
