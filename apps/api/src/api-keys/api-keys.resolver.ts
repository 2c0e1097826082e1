import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import type { Role } from '@kb/domain';
import { findApiKeyById, listApiKeys, Projector, type ApiKeyView } from '@kb/read-models';
import { callerOf, type ApiContext } from '../graphql/api-context';
import { RoleEnum } from '../graphql/enums';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../graphql/read-your-writes';
import { Allow } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { CreateApiKeyCommand } from './create-api-key/create-api-key.command';
import { RevokeApiKeyCommand } from './revoke-api-key/revoke-api-key.command';
import { ApiKeyOutcome, CreatedApiKeyOutcome } from './api-key.write';

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
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for, e.g. "incident portal" (1 to 100 characters).' })
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;
}

/** API keys, for ADMIN only: list, create (the secret is shown once) and revoke. */
@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly projector: Projector,
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
  async createApiKey(
    @Args('input') input: CreateApiKeyInput,
    @Context() context: ApiContext,
  ): Promise<CreatedApiKey> {
    const outcome = await this.commandBus.execute<CreateApiKeyCommand, CreatedApiKeyOutcome>(
      new CreateApiKeyCommand({ name: input.name, role: input.role }, callerOf(context)),
    );
    return { apiKey: await this.readBack(outcome), secret: outcome.secret };
  }

  @Allow('ADMIN')
  @Mutation(() => ApiKey, {
    description: 'Revokes an API key for good: requests with its secret are refused from now on.',
  })
  async revokeApiKey(
    @Args('id', { type: () => ID }) id: string,
    @Context() context: ApiContext,
  ): Promise<ApiKey> {
    const outcome = await this.commandBus.execute<RevokeApiKeyCommand, ApiKeyOutcome>(
      new RevokeApiKeyCommand({ id }, callerOf(context)),
    );
    return this.readBack(outcome);
  }

  /** Waits until the key's projection shows the write (authentication reads it), then reads it. */
  private async readBack(outcome: ApiKeyOutcome): Promise<ApiKey> {
    if (outcome.position !== null)
      await this.projector.waitForPosition(outcome.position, READ_YOUR_WRITES_TIMEOUT_MS);
    const key = await findApiKeyById(this.dataSource, outcome.entityId);
    if (!key)
      throw new Error(
        `The API key ${outcome.entityId} was stored but the read models have not caught up yet.`,
      );
    return toApiKey(key);
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
