import { Field, InputType, Int } from '@nestjs/graphql';

/** Only `idempotencyKey`: for mutations that create an entity (nothing to expect a revision of). */
@InputType({ isAbstract: true })
export abstract class IdempotentInput {
  @Field(() => String, {
    nullable: true,
    description:
      'A retry with the same key and input returns the first result and appends nothing; the same key with other input is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;
}

/** `expectedRevision` and `idempotencyKey`, the contract's options of every mutation on an existing entity. */
@InputType({ isAbstract: true })
export abstract class WriteOptionsInput extends IdempotentInput {
  @Field(() => Int, {
    nullable: true,
    description: "The write happens only if the entity's revision still equals it (else CONFLICT).",
  })
  expectedRevision?: number | null;
}
