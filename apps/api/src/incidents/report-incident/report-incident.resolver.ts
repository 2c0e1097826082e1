import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { commandContext, fieldsOf, newEntityId, type Caller, type WriteOptions } from '@kb/event-sourcing';
import type { DetectionSource, IncidentKind, Severity } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { DetectionSourceEnum, IncidentKindEnum, SeverityEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { IdempotentInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput, type IncidentWrite } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class ReportIncidentInput
  extends IdempotentInput
  implements Omit<IncidentInput<'ReportIncident'>, 'incidentId'>
{
  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => IncidentKindEnum)
  kind!: IncidentKind;

  @Field(() => SeverityEnum)
  severity!: Severity;

  @Field(() => [String])
  services!: string[];

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => DetectionSourceEnum)
  detectionSource!: DetectionSource;

  @Field(() => DateTimeScalar)
  startedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  detectedAt?: string | null;
}

@Resolver()
export class ReportIncidentResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Reports an incident, near-miss, chaos experiment or game day.' })
  reportIncident(
    @Args('input') input: ReportIncidentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(reportIncidentWrite(input, callerOf(context)));
  }
}

/**
 * A report is a new incident stream. With an idempotency key its id is derived from the caller and
 * the key, so a retry lands on the same stream and is answered from there.
 */
export function reportIncidentWrite(
  input: Omit<IncidentInput<'ReportIncident'>, 'incidentId'> & WriteOptions,
  caller: Caller,
): IncidentWrite {
  const incidentId = newEntityId(commandContext(caller, input), 'ReportIncident');
  return incidentWrite({ type: 'ReportIncident', incidentId, ...fieldsOf(input) }, caller, input);
}
