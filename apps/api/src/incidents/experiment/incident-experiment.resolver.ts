import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Incident } from '../incident.type';
import { Experiment } from './experiment.type';

/**
 * `Incident.experiment`, from the experiment columns of the incident's row: the read model's now,
 * or the row folded as of an instant (time travel), so a past plan looks exactly like a present one.
 */
@Resolver(() => Incident)
export class IncidentExperimentResolver {
  @ResolveField(() => Experiment, {
    nullable: true,
    description: "The chaos experiment or game day's plan and outcome; null for other kinds.",
  })
  experiment(@Parent() incident: Incident): Experiment | null {
    const hypothesis = incident.experimentHypothesis;
    const steadyState = incident.experimentSteadyState;
    // Only ExperimentPlanned sets them, and only on CHAOS_EXPERIMENT and GAME_DAY incidents.
    if (hypothesis === null || steadyState === null) return null;
    return {
      hypothesis,
      steadyState,
      blastRadius: incident.experimentBlastRadius ?? [],
      abortConditions: incident.experimentAbortConditions,
      plannedFor: incident.experimentPlannedFor,
      outcome: incident.experimentOutcome,
      observations: incident.experimentObservations,
      concludedAt: incident.experimentConcludedAt,
    };
  }
}
