import { Inject } from '@nestjs/common';
import type { Command } from '@nestjs/cqrs';
import { Args, Context, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import type { Role } from '@kb/domain';
import { findApiKeyById, listApiKeys, type ApiKeyView } from '@kb/read-models';
import { callerOf, type ApiContext } from '../graphql/api-context';
import { RoleEnum } from '../graphql/enums';
import { Allow } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { ReadYourWrites } from '../read-side/read-your-writes';
import {
  CreateApiKeyCommand,
  type CreateApiKeyInput as CreateApiKeyFields,
} from './create-api-key/create-api-key.command';
import { apiKeyWrite, type ApiKeyOutcome } from './api-key.write';

@ObjectType()
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: string | null;
}

@ObjectType({ description: 'The secret is shown once, here, and never again.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: 'Send it as "Authorization: Bearer <secret>". It is stored only as a hash.' })
  secret!: string;
}

@InputType()
export class CreateApiKeyInput implements CreateApiKeyFields {
  @Field({ description: 'What the key is for, e.g. "incident portal" (1 to 100 characters).' })
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;
}

/** API keys, for ADMIN only: list, create (the secret is shown once) and revoke. */
@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly writes: ReadYourWrites,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Allow('ADMIN')
  @Query(() => [ApiKey], {
    description: 'Every API key, revoked ones included, oldest first. Never the secrets.',
  })
  async apiKeys(): Promise<ApiKey[]> {
    return (await listApiKeys(this.dataSource)).map(toApiKey);
  }

  @Allow('ADMIN')
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; its secret is in the response, once.' })
  createApiKey(
    @Args('input') input: CreateApiKeyInput,
    @Context() context: ApiContext,
  ): Promise<CreatedApiKey> {
    return this.readBack(
      new CreateApiKeyCommand({ name: input.name, role: input.role }, callerOf(context)),
      (apiKey, outcome) => ({ apiKey, secret: outcome.secret }),
    );
  }

  @Allow('ADMIN')
  @Mutation(() => ApiKey, {
    description: 'Revokes an API key for good: requests with its secret are refused from now on.',
  })
  revokeApiKey(@Args('id', { type: () => ID }) id: string, @Context() context: ApiContext): Promise<ApiKey> {
    return this.readBack(
      apiKeyWrite({ type: 'RevokeApiKey', apiKeyId: id }, callerOf(context), {}),
      (apiKey) => apiKey,
    );
  }

  /**
   * Sends the write and reads the key back once its projection shows it (authentication reads it).
   * Read from the read model even when the projections stay behind: a key is only shown as it works.
   */
  private readBack<Outcome extends ApiKeyOutcome, Answer>(
    command: Command<Outcome>,
    answer: (apiKey: ApiKey, outcome: Outcome) => Answer,
  ): Promise<Answer> {
    const read = async (outcome: Outcome) => {
      const key = await findApiKeyById(this.dataSource, outcome.entityId);
      return key ? answer(toApiKey(key), outcome) : null;
    };
    return this.writes.readBack(command, { fromReadModel: read, asDecided: read });
  }
}

function toApiKey(view: ApiKeyView): ApiKey {
  return {
    id: view.id,
    name: view.name,
    role: view.role,
    createdAt: view.createdAt,
    revokedAt: view.revokedAt,
  };
}
