import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { LAG_COUNT_LIMIT, Projector } from '@kb/read-models';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { readinessOf } from './readiness';
import { ShutdownState } from './shutdown-state';

export const READINESS_SETTINGS = Symbol('READINESS_SETTINGS');
export interface ReadinessCheckSettings {
  /** READY_MAX_PROJECTION_LAG. */
  readonly maxProjectionLag: number;
}

/**
 * How long one check may take before it counts as down. Kubernetes waits 1 s for a probe by default:
 * the checks run side by side, so the answer (with its reasons) comes within about this long.
 */
export const READINESS_CHECK_TIMEOUT_MS = 1000;

/**
 * The checks of `/health/ready`, as terminus health indicators. A check that fails says, under
 * `reason`, which dependency and why; `/health/ready` lists those reasons.
 */
@Injectable()
export class ReadinessChecks {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projector: Projector,
    private readonly shutdownState: ShutdownState,
    @Inject(READINESS_SETTINGS) private readonly settings: ReadinessCheckSettings,
  ) {}

  /** The event store answers a read of its last event. */
  eventStore(): Promise<HealthIndicatorResult<'eventStore'>> {
    const session = this.indicators.check('eventStore');
    return explained(
      session,
      'The event store does not answer',
      session
        .attempt(async () => {
          const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
          return { lastPosition: last?.position ?? null };
        })
        .withTimeout(READINESS_CHECK_TIMEOUT_MS),
    );
  }

  /** The read-model database answers `SELECT 1`. */
  readDatabase(): Promise<HealthIndicatorResult<'readDatabase'>> {
    const session = this.indicators.check('readDatabase');
    return explained(
      session,
      `The read-model database (${this.dataSource.options.type === 'postgres' ? 'PostgreSQL' : 'SQLite'}) does not answer`,
      session
        .attempt(async () => {
          await this.dataSource.query('SELECT 1');
        })
        .withTimeout(READINESS_CHECK_TIMEOUT_MS),
    );
  }

  /** Every projection is live (or standby), unparked, and within READY_MAX_PROJECTION_LAG. */
  async projections(): Promise<HealthIndicatorResult<'projections'>> {
    const indicator = this.indicators.check('projections');
    let statuses;
    try {
      statuses = await within(READINESS_CHECK_TIMEOUT_MS, this.projector.statusWithLag());
    } catch (error) {
      return indicator.down({
        reason: `The lag of the projections could not be measured (the event store is read for it): ${messageOf(error)}`,
      });
    }
    const readiness = readinessOf(statuses, {
      maxProjectionLag: this.settings.maxProjectionLag,
      lagCountLimit: LAG_COUNT_LIMIT,
    });
    const details = statuses.map(({ name, state, lag, deadLetters }) => ({ name, state, lag, deadLetters }));
    return readiness.ready
      ? indicator.up({ projections: details })
      : indicator.down({
          reason: readiness.reasons.join(' '),
          reasons: readiness.reasons,
          projections: details,
        });
  }

  /** Down from the moment a shutdown begins. */
  shutdown(): HealthIndicatorResult<'shutdown'> {
    const indicator = this.indicators.check('shutdown');
    const reason = this.shutdownState.reason();
    return reason === undefined ? indicator.up() : indicator.down({ reason });
  }
}

/** Adds `reason` (what failed, and terminus's message: the error, or the timeout) to a check that is down. */
async function explained<Key extends string>(
  session: ReturnType<HealthIndicatorService['check']>,
  what: string,
  attempt: PromiseLike<HealthIndicatorResult<Key>>,
): Promise<HealthIndicatorResult<Key>> {
  const result = await attempt;
  const { status, ...data } = Object.values<Record<string, unknown>>(result)[0];
  return status === 'down' ? session.down({ ...data, reason: `${what}: ${String(data.message)}.` }) : result;
}

/** The promise's outcome, or a rejection after `ms` (the promise is left to settle unobserved). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
