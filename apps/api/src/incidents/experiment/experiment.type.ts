import { Field, ObjectType } from '@nestjs/graphql';
import { LIMITS, type ExperimentOutcome } from '@kb/domain';
import { ExperimentOutcomeEnum } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType({
  description: "A chaos experiment's or game day's hypothesis, written before it runs, and what happened.",
})
export class Experiment {
  @Field()
  hypothesis!: string;

  @Field({
    description:
      "The measurable signal of normal behaviour, e.g. 'checkout p99 < 300 ms and error rate < 0.1 %'.",
  })
  steadyState!: string;

  @Field(() => [String], {
    description: `Services the experiment may affect: 1 to ${LIMITS.servicesMax} service names.`,
  })
  blastRadius!: string[];

  @Field(() => String, { nullable: true, description: 'When to stop early.' })
  abortConditions!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  plannedFor!: string | null;

  @Field(() => ExperimentOutcomeEnum, { nullable: true })
  outcome!: ExperimentOutcome | null;

  @Field(() => String, { nullable: true })
  observations!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  concludedAt!: string | null;
}
