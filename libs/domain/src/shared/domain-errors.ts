/**
 * Errors of the domain. The API maps them to the contract's codes: a rule refusal to BAD_USER_INPUT,
 * a missing entity to NOT_FOUND, a concurrency failure to CONFLICT.
 */
export class DomainRuleError extends Error {
  constructor(
    /** The input field the rule is about (e.g. `detectedAt`, `services[2]`), or null for the whole command. */
    readonly field: string | null,
    /** The rule, written for the person who meets it. */
    readonly rule: string,
  ) {
    super(field === null ? rule : `${field}: ${rule}`);
    this.name = 'DomainRuleError';
  }
}

export class EntityNotFoundError extends Error {
  constructor(
    readonly entity: 'Incident' | 'Finding' | 'ActionItem' | 'ApiKey' | 'Webhook' | 'WebhookDelivery',
    readonly id: string,
    readonly field: string,
  ) {
    super(`${field}: no ${entity.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} has the id '${id}'.`);
    this.name = 'EntityNotFoundError';
  }
}

export class ConcurrencyConflictError extends Error {
  constructor(
    readonly entityId: string,
    readonly expectedRevision: number,
    readonly currentRevision: number,
  ) {
    super(
      `The entity '${entityId}' is at revision ${currentRevision}, not ${expectedRevision}: someone changed it since you read it. Read it again and retry.`,
    );
    this.name = 'ConcurrencyConflictError';
  }
}
