import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { DetectionSource, Severity } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { DetectionSourceEnum, SeverityEnum } from '../../graphql/enums';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { ReviseIncidentCommand } from './revise-incident.command';

@InputType()
export class ReviseIncidentInput extends WriteOptionsInput {
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
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: "Corrects the incident's details; only the fields given change." })
  reviseIncident(
    @Args('input') input: ReviseIncidentInput,
    @Context() context: ApiContext,
  ): Promise<Incident> {
    return this.writes.incident(new ReviseIncidentCommand(input, callerOf(context)));
  }
}
