import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { incidentOfFinding } from '../finding-ids';
import { Finding } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class RetractFindingInput
  extends WriteOptionsInput
  implements Omit<IncidentInput<'RetractFinding'>, 'incidentId'>
{
  @Field(() => ID)
  findingId!: string;

  @Field(() => String)
  reason!: string;
}

@Resolver()
export class RetractFindingResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Finding, { description: 'Retracts a finding: it stays in the history but counts nowhere.' })
  retractFinding(
    @Args('input') input: RetractFindingInput,
    @Context() context: ApiContext,
  ): Promise<Finding> {
    const incidentId = incidentOfFinding(input.findingId);
    const write = incidentWrite(
      { type: 'RetractFinding', incidentId, ...fieldsOf(input) },
      callerOf(context),
      input,
    );
    return this.incidents.finding(write, () => input.findingId);
  }
}
