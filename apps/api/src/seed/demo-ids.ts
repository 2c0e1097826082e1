import { createHash } from 'node:crypto';

/** The namespace of the demo data's ids (apart from the service's own name-based ids). */
const NAMESPACE = Buffer.from('5d3c8f0e2b7a4c19a6e1f4d2c8b0a937', 'hex');
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Deterministic UUIDs (version 5 layout) for the n-th id of a named sequence: one SHA-1 of the name,
 * then `n` mixed into the last four bytes. Distinct for every n < 2^32 within a sequence, and as
 * unlikely to collide across sequences as any UUID; one hash per stream instead of one per event
 * keeps millions of ids cheap.
 */
export function uuidSequence(name: string): (n: number) => string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const head: string[] = [];
  for (let i = 0; i < 12; i++) head.push(HEX[hash[i]]);
  const prefix = `${head.slice(0, 4).join('')}-${head.slice(4, 6).join('')}-${head.slice(6, 8).join('')}-${head.slice(8, 10).join('')}-${head.slice(10, 12).join('')}`;
  const tail = hash.readUInt32BE(12);
  return (n) => prefix + ((tail ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0).toString(16).padStart(8, '0');
}

/** One deterministic UUID for a name. */
export const demoUuid = (name: string): string => uuidSequence(name)(0);
