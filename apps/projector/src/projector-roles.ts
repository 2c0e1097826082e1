/**
 * The projector process's roles, unless KB_ROLES says otherwise: apply the events to the read models
 * and deliver webhooks; no GraphQL. Imported before the service starts (see main.ts).
 */
process.env.KB_ROLES ||= 'projector,webhooks';
