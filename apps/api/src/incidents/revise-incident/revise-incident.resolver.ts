import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { fieldsOf } from '@kb/event-sourcing';
import type { DetectionSource, Severity } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { DetectionSourceEnum, SeverityEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { incidentWrite, type IncidentInput } from '../incident.write';
import { IncidentReadBack } from '../incident-read-back';

@InputType()
export class ReviseIncidentInput extends WriteOptionsInput implements IncidentInput<'ReviseIncident'> {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => SeverityEnum, { nullable: true })
  severity?: Severity | null;

  @Field(() => [String], { nullable: true })
  services?: string[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => DetectionSourceEnum, { nullable: true })
  detectionSource?: DetectionSource | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt?: string | null;
}

@Resolver()
export class ReviseIncidentResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: "Corrects the incident's details; only the fields given change." })
  reviseIncident(
    @Args('input') input: ReviseIncidentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.incidents.incident(
      incidentWrite({ type: 'ReviseIncident', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
