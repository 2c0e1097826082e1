import { DEFAULT_POSTMORTEM_POLICY, POSTMORTEM_POLICY_SEVERITIES, type PostmortemPolicy } from '@kb/domain';

/** The postmortem policy and the deadline watcher's pace (docs/operations/deadlines.md). */
export interface DeadlineConfig {
  /** POSTMORTEM_DUE_DAYS_SEV1, POSTMORTEM_DUE_DAYS_SEV2 (default 5 each): days from resolution. */
  readonly postmortemPolicy: PostmortemPolicy;
  /** DEADLINE_SCAN_MS (default 60,000): how often the watcher looks for passed deadlines. */
  readonly scanMs: number;
}

export const DEFAULT_DEADLINE_SCAN_MS = 60_000;
const MAX_POLICY_DAYS = 365;

/**
 * Reads the deadline variables with `value` (trimmed, undefined when unset) and adds what is wrong
 * with them to `problems`, so loadConfig reports them with every other problem at once.
 */
export function readDeadlineConfig(
  value: (name: string) => string | undefined,
  problems: string[],
): DeadlineConfig {
  const days = {} as Record<keyof PostmortemPolicy, number>;
  for (const severity of POSTMORTEM_POLICY_SEVERITIES) {
    const name = `POSTMORTEM_DUE_DAYS_${severity}`;
    const text = value(name) ?? String(DEFAULT_POSTMORTEM_POLICY[severity]);
    const parsed = Number(text);
    if (!/^\d+$/.test(text) || parsed < 1 || parsed > MAX_POLICY_DAYS)
      problems.push(
        `${name} must be a whole number of days from 1 to ${MAX_POLICY_DAYS} (a ${severity} incident's postmortem is due that long after it is resolved), not '${text.slice(0, 40)}'.`,
      );
    days[severity] = parsed;
  }
  const scanText = value('DEADLINE_SCAN_MS') ?? String(DEFAULT_DEADLINE_SCAN_MS);
  const scanMs = Number(scanText);
  if (!/^\d+$/.test(scanText) || scanMs < 100 || scanMs > 3_600_000)
    problems.push(
      `DEADLINE_SCAN_MS must be a whole number of milliseconds from 100 to 3600000 (how often passed deadlines are looked for), not '${scanText.slice(0, 40)}'.`,
    );
  // With a problem, loadConfig throws: the values returned then are never used.
  return { postmortemPolicy: days, scanMs };
}
