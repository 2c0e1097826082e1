import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { LinkRelation } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { LinkRelationEnum } from '../../graphql/enums';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { LinkIncidentsCommand } from './link-incidents.command';

@InputType()
export class LinkIncidentsInput extends WriteOptionsInput {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => ID)
  relatedIncidentId!: string;

  @Field(() => LinkRelationEnum)
  relation!: LinkRelation;
}

@Resolver()
export class LinkIncidentsResolver {
  constructor(private readonly writes: ReadYourWrites) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Links the incident to another.' })
  linkIncidents(@Args('input') input: LinkIncidentsInput, @Context() context: ApiContext): Promise<Incident> {
    return this.writes.incident(new LinkIncidentsCommand(input, callerOf(context)));
  }
}
