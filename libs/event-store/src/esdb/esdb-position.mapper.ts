import type { Position as EsdbPosition } from '@eventstore/db-client';
import { InvalidEventStoreInputError } from '../errors';
import type { Position } from '../event-store.port';

/**
 * The port's opaque Position for EventStoreDB: `commit/prepare`, each zero-padded to 20 digits (the
 * width of the largest uint64), so that plain string comparison follows log order.
 */
const DIGITS = 20;
const MAX_UINT64 = (1n << 64n) - 1n;
const ENCODED = /^(\d{20})\/(\d{20})$/;

export function encodePosition(position: EsdbPosition): Position {
  return `${pad(position.commit)}/${pad(position.prepare)}`;
}

export function decodePosition(position: unknown, field = 'fromPosition'): EsdbPosition {
  const match = typeof position === 'string' ? ENCODED.exec(position) : null;
  if (!match)
    throw new InvalidEventStoreInputError(field, "must be 'start', 'end' or a position this store returned");
  const commit = BigInt(match[1]);
  const prepare = BigInt(match[2]);
  if (commit > MAX_UINT64 || prepare > MAX_UINT64)
    throw new InvalidEventStoreInputError(field, 'is beyond the positions EventStoreDB can hold');
  return { commit, prepare };
}

/** Negative when `a` comes before `b` in the log, 0 when they are the same position. */
export function comparePositions(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function pad(value: bigint): string {
  if (value < 0n || value > MAX_UINT64) throw new RangeError(`Not an EventStoreDB log position: ${value}`);
  return value.toString().padStart(DIGITS, '0');
}
