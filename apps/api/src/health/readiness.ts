/** What readiness needs to know of one projection (`Projector.statusWithLag()` gives it). */
export interface ProjectionHealth {
  readonly name: string;
  /** A `ProjectionRunState`, or `standby` (another process applies it): a string, read loosely. */
  readonly state: string;
  readonly lastError: string | null;
  readonly deadLetters: number;
  /** Events still to apply, counted up to `lagCountLimit`. */
  readonly lag: number;
}

export interface ReadinessSettings {
  /** READY_MAX_PROJECTION_LAG: the most events a projection may be behind and still be ready. */
  readonly maxProjectionLag: number;
  /** Where lag counting stops: a lag of this size means "at least this many". */
  readonly lagCountLimit: number;
}

export interface ProjectionReadiness {
  readonly name: string;
  readonly ready: boolean;
  /** Why it is not ready, in words; absent when it is. */
  readonly reason?: string;
}

export interface Readiness {
  readonly ready: boolean;
  /** One sentence per projection that is not ready (empty when all are). */
  readonly reasons: string[];
  readonly projections: ProjectionReadiness[];
}

/** States in which a projection keeps its read model current (or watches another process do it). */
const RUNNING_STATES = new Set(['live', 'standby']);

/**
 * Whether the projections let this process serve: each is `live` (or `standby`), has no parked event
 * (a poison event stalls its streams until someone fixes the cause and retries), and is at most
 * `maxProjectionLag` events behind the log. Pure: the caller gathers the statuses.
 */
export function readinessOf(statuses: readonly ProjectionHealth[], settings: ReadinessSettings): Readiness {
  const projections = statuses.map((status) => projectionReadiness(status, settings));
  return {
    ready: projections.every((projection) => projection.ready),
    reasons: projections.flatMap((projection) => (projection.reason ? [projection.reason] : [])),
    projections,
  };
}

function projectionReadiness(status: ProjectionHealth, settings: ReadinessSettings): ProjectionReadiness {
  const reason = notReadyBecause(status, settings);
  return reason === undefined
    ? { name: status.name, ready: true }
    : { name: status.name, ready: false, reason: `Projection '${status.name}' ${reason}` };
}

function notReadyBecause(status: ProjectionHealth, settings: ReadinessSettings): string | undefined {
  if (status.deadLetters > 0)
    return `is stalled by ${count(status.deadLetters, 'parked event')} (dead letters) it could not apply: fix the cause (see projection_dead_letters), then run the ADMIN mutation retryDeadLetters.`;
  if (!RUNNING_STATES.has(status.state)) return `${describeState(status)}.`;
  if (status.lag > settings.maxProjectionLag) {
    const lag = status.lag >= settings.lagCountLimit ? `at least ${status.lag}` : String(status.lag);
    return `is ${lag} events behind the event log, more than READY_MAX_PROJECTION_LAG (${settings.maxProjectionLag}).`;
  }
  return undefined;
}

function describeState(status: ProjectionHealth): string {
  const error = status.lastError ? `: ${status.lastError}` : '';
  switch (status.state) {
    case 'catching-up':
      return `is catching up with the event log (${status.lag} events behind)`;
    case 'failed':
      return `failed and is retrying from its checkpoint${error}`;
    case 'rebuilding':
      return 'is being rebuilt (an ADMIN ran rebuildProjections)';
    case 'stopped':
      return 'is not running';
    case 'stalled':
      return 'is stalled by parked events (dead letters): see projection_dead_letters, then retryDeadLetters';
    default:
      return `is in state '${status.state}'${error}`;
  }
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
