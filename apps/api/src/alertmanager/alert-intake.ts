import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ALERT_GROUP_LIMITS,
  alertGroupIdOf,
  alertGroupStream,
  DomainRuleError,
  EntityNotFoundError,
  incidentStream,
  type AlertGroupEvent,
  type IncidentState,
} from '@kb/domain';
import type { StoredEvent } from '@kb/event-store';
import { CommandExecutor, inputDigest, streamWriter, type Caller } from '@kb/event-sourcing';
import { Projector } from '@kb/read-models';
import { incidentWrite, type IncidentOutcome } from '../incidents/incident.write';
import { LinkIncidentsCommand } from '../incidents/link-incidents/link-incidents.command';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../read-side/read-your-writes';
import { followUpsOf, type FollowUp } from './alert-follow-ups';
import { alertIncidentOf } from './alert-incident';
import type { AlertmanagerNotification } from './alertmanager-payload';

/** What a notification is answered with: the incident of its group's episode (null: none yet). */
export interface AlertIntakeAnswer {
  readonly incidentId: string | null;
}

const alertGroupWrite = streamWriter(alertGroupStream, (command) => command.alertGroupId);

/**
 * The write of a notification to its alert group's stream, with the notification's key: the same
 * notification sent again by the same API key replays what was decided the first time, even once
 * the group has moved on.
 */
export function alertGroupWriteOf(notification: AlertmanagerNotification, caller: Caller) {
  return alertGroupWrite(
    {
      type: 'ReceiveAlertNotification',
      alertGroupId: alertGroupIdOf(notification.groupKey),
      groupKey: notification.groupKey,
      status: notification.status,
      alerts: notification.alerts.map((alert) => ({
        fingerprint: alert.fingerprint,
        alertname: alert.labels.alertname?.slice(0, ALERT_GROUP_LIMITS.alertnameMax) ?? null,
        status: alert.status,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
      })),
      incident: alertIncidentOf(notification),
    },
    caller,
    { idempotencyKey: notificationKeyOf(notification) },
  );
}

/**
 * Takes an Alertmanager notification in (docs/adr/0011-alertmanager-intake.md):
 *
 * 1. The alert group's stream decides what it means, with an idempotency key derived from the
 *    notification: a retry of it by the same key replays what it decided the first time.
 * 2. The incident writes that the group's events call for (report, link, timeline entry, milestone)
 *    are brought up to date: those of the current and the previous episode that their incident's
 *    stream does not hold yet (by their idempotency keys) are done, in order. So a crash between the
 *    group's write and the incident's is healed by the next notification of the group, whatever it
 *    is, a retry of the same one included.
 * 3. It waits (bounded, as mutations do) until the read models show the incident writes.
 */
@Injectable()
export class AlertIntake {
  private readonly logger = new Logger(AlertIntake.name);

  constructor(
    private readonly commandBus: CommandBus,
    private readonly executor: CommandExecutor,
    private readonly projector: Projector,
  ) {}

  async receive(notification: AlertmanagerNotification, caller: Caller): Promise<AlertIntakeAnswer> {
    const write = alertGroupWriteOf(notification, caller);
    const outcome = await this.commandBus.execute(write);
    const position = await this.settle(write.entityId);
    if (position !== null && !(await this.projector.waitForPosition(position, READ_YOUR_WRITES_TIMEOUT_MS)))
      this.logger.warn(
        `The read models did not reach position ${position} within ${READ_YOUR_WRITES_TIMEOUT_MS} ms; answering anyway.`,
      );
    return { incidentId: outcome.state.incidentId };
  }

  /**
   * Does the incident writes of the group's current and previous episode that are not done yet.
   * Returns the position of the last one written, or null when none was.
   */
  private async settle(alertGroupId: string): Promise<string | null> {
    const group = await this.executor.load(alertGroupStream, alertGroupId);
    const followUps = group.events
      .filter(({ event }) => event.data.episode >= group.state.episode - 1)
      .flatMap(({ event, stored }) =>
        followUpsOf(alertGroupId, { event, revision: stored.revision, caller: callerOf(stored, event) }),
      );
    let position: string | null = null;
    for (const [incidentId, ofIncident] of byIncident(followUps)) {
      const loaded = await this.executor.load(incidentStream, incidentId);
      const done = new Set(loaded.events.map(({ stored }) => stored.metadata.idempotencyKey));
      let state = loaded.state;
      for (const followUp of ofIncident) {
        if (done.has(followUp.idempotencyKey) || alreadyTrue(followUp, state)) continue;
        try {
          const outcome = await this.run(followUp);
          state = outcome.state;
          position = outcome.position ?? position;
        } catch (error) {
          // The incident is people's to change too: a milestone they set, a correction of its
          // start, a full timeline can make a write refused. The group's record stands; the
          // incident keeps what people made of it.
          if (!(error instanceof DomainRuleError || error instanceof EntityNotFoundError)) throw error;
          this.logger.warn(
            `Alert group ${alertGroupId}: ${describe(followUp)} on incident ${incidentId} was refused: ${error.message}`,
          );
        }
      }
    }
    return position;
  }

  private run(followUp: FollowUp): Promise<IncidentOutcome> {
    const { caller, idempotencyKey } = followUp;
    if (followUp.kind === 'link')
      return this.commandBus.execute(
        new LinkIncidentsCommand(
          {
            incidentId: followUp.incidentId,
            relatedIncidentId: followUp.relatedIncidentId,
            relation: 'RECURRENCE_OF',
            idempotencyKey,
          },
          caller,
        ),
      );
    const { type: _type, ...fields } = followUp.command;
    return this.commandBus.execute(incidentWrite(followUp.command, caller, { ...fields, idempotencyKey }));
  }
}

/**
 * Whether the incident already shows what the write would say, put there by someone else: a
 * MITIGATED milestone (people's time is kept), or the link. Then nothing is written.
 */
function alreadyTrue(followUp: FollowUp, state: IncidentState): boolean {
  if (!state.exists) return false;
  if (followUp.kind === 'link')
    return state.links.some(
      (link) => link.relatedIncidentId === followUp.relatedIncidentId && link.relation === 'RECURRENCE_OF',
    );
  const { command } = followUp;
  return command.type === 'RecordMilestone' && state.milestones.MITIGATED !== null;
}

/** The follow-ups by incident, each incident's in order, the incidents in the order first named. */
function byIncident(followUps: readonly FollowUp[]): Map<string, FollowUp[]> {
  const groups = new Map<string, FollowUp[]>();
  for (const followUp of followUps) {
    const ofIncident = groups.get(followUp.incidentId);
    if (ofIncident) ofIncident.push(followUp);
    else groups.set(followUp.incidentId, [followUp]);
  }
  return groups;
}

/**
 * The idempotency key of a notification: a digest of what its group's decision depends on, the
 * status and each alert's fingerprint, status and times, in fingerprint order. Annotations are left
 * out (they change between repeats, e.g. a summary quoting the current value), and labels are in
 * the fingerprint. So a repeat of the notification that made the group as it is gets its key, and
 * replays it, however often it comes, and whenever.
 */
export function notificationKeyOf(notification: AlertmanagerNotification): string {
  const alerts = notification.alerts
    .map(({ fingerprint, status, startsAt, endsAt }) => ({ fingerprint, status, startsAt, endsAt }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const { status, groupKey } = notification;
  return `alertmanager:${inputDigest({ status, groupKey, alerts })}`;
}

/** The caller of a stored group event: its incident writes are written as the same key, in the same request. */
function callerOf(stored: StoredEvent, event: AlertGroupEvent): Caller {
  const { actor, correlationId } = stored.metadata;
  if (typeof actor !== 'string' || typeof correlationId !== 'string')
    throw new Error(`The ${event.type} event ${stored.id} has no actor or correlationId in its metadata.`);
  return { actor, correlationId };
}

function describe(followUp: FollowUp): string {
  return followUp.kind === 'link' ? 'linking RECURRENCE_OF' : followUp.command.type;
}
