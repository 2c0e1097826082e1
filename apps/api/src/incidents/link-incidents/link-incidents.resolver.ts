import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { LinkRelation } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { LinkRelationEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { Incident } from '../incident.type';
import { IncidentReadBack } from '../incident-read-back';
import {
  LinkIncidentsCommand,
  type LinkIncidentsInput as LinkIncidentsFields,
} from './link-incidents.command';

@InputType()
export class LinkIncidentsInput extends WriteOptionsInput implements LinkIncidentsFields {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => ID)
  relatedIncidentId!: string;

  @Field(() => LinkRelationEnum)
  relation!: LinkRelation;
}

@Resolver()
export class LinkIncidentsResolver {
  constructor(private readonly incidents: IncidentReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => Incident, { description: 'Links the incident to another.' })
  linkIncidents(@Args('input') input: LinkIncidentsInput, @Context() context: ApiContext): Promise<Incident> {
    return this.incidents.incident(new LinkIncidentsCommand(input, callerOf(context)));
  }
}
