import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { DetectionSource, IncidentKind, Severity } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { DetectionSourceEnum, IncidentKindEnum, SeverityEnum } from '../../graphql/enums';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { IdempotentInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { ReportIncidentCommand } from './report-incident.command';

@InputType()
export class ReportIncidentInput extends IdempotentInput {
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
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Reports an incident, near-miss, chaos experiment or game day.' })
  reportIncident(
    @Args('input') input: ReportIncidentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.writes.incident(new ReportIncidentCommand(input, callerOf(context)));
  }
}
