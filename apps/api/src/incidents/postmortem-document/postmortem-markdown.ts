import type { ActionItemStatus, FactorCategory, FindingKind } from '@kb/domain';

/** What the postmortem document shows of an incident: the read models' rows, retracted findings left out. */
export interface PostmortemSource {
  readonly incident: {
    readonly id: string;
    readonly title: string;
    readonly summary: string | null;
    readonly kind: string;
    readonly severity: string;
    readonly status: string;
    readonly services: readonly string[];
    readonly startedAt: string;
    readonly detectedAt: string | null;
    readonly acknowledgedAt: string | null;
    readonly mitigatedAt: string | null;
    readonly resolvedAt: string | null;
    readonly postmortemSummary: string | null;
    readonly postmortemImpact: string | null;
    readonly postmortemPublishedAt: string | null;
  };
  readonly timeline: ReadonlyArray<{ readonly at: string; readonly text: string }>;
  readonly findings: ReadonlyArray<{
    readonly kind: FindingKind;
    readonly category: FactorCategory | null;
    readonly description: string;
    readonly retracted: boolean;
  }>;
  readonly actionItems: ReadonlyArray<{
    readonly title: string;
    readonly ownerTeam: string;
    readonly dueDate: string | null;
    readonly status: ActionItemStatus;
    readonly overdue: boolean;
  }>;
  /** Earlier incidents that resemble this one, with their lessons (absent: not known here). */
  readonly similar?: ReadonlyArray<{
    readonly id: string;
    readonly title: string;
    readonly startedAt: string;
    readonly reasons: readonly string[];
    readonly lessons: readonly string[];
  }>;
}

/**
 * The incident as a postmortem in the shape of the Google SRE book's template (summary, impact,
 * detection and response, timeline, root causes and contributing factors, what went well, where we
 * got lucky, lessons, action items), as Markdown for a wiki or a repository. Every piece of user
 * text is escaped (escapeInline, escapeBlock): a title, finding or timeline entry can never add a
 * heading, a link, HTML, a table row or a list to the document.
 */
export function renderPostmortem(source: PostmortemSource): string {
  const { incident } = source;
  const findings = source.findings.filter((finding) => !finding.retracted);
  const ofKind = (kind: FindingKind) => findings.filter((finding) => finding.kind === kind);
  const out: string[] = [];

  out.push(`# Postmortem: ${escapeInline(incident.title)}`, '');
  out.push(
    incident.postmortemPublishedAt
      ? `Published ${incident.postmortemPublishedAt}. Blameless: it describes what happened and why, never who is to blame.`
      : '**Draft**: no postmortem has been published for this incident yet. Blameless: it describes what happened and why, never who is to blame.',
    '',
  );
  out.push('| | |', '| --- | --- |');
  out.push(`| Incident | ${incident.id} |`);
  out.push(`| Kind | ${incident.kind} |`);
  out.push(`| Severity | ${incident.severity} |`);
  out.push(`| Status | ${incident.status} |`);
  out.push(
    `| Services | ${incident.services.length > 0 ? incident.services.map(escapeCell).join(', ') : 'none recorded'} |`,
  );
  out.push('');

  out.push('## Summary', '');
  out.push(escapeBlock(incident.postmortemSummary ?? incident.summary) || '_No summary written yet._', '');

  out.push('## Impact', '');
  out.push(
    escapeBlock(incident.postmortemImpact) || '_No impact written yet (it is part of the postmortem)._',
    '',
  );

  out.push('## Detection and response', '');
  out.push('| Milestone | When (UTC) | Since the start |', '| --- | --- | --- |');
  out.push(`| Started | ${incident.startedAt} | |`);
  for (const [label, at] of [
    ['Detected', incident.detectedAt],
    ['Acknowledged', incident.acknowledgedAt],
    ['Mitigated', incident.mitigatedAt],
    ['Resolved', incident.resolvedAt],
  ] as const)
    out.push(`| ${label} | ${at ?? 'not recorded'} | ${at ? duration(incident.startedAt, at) : ''} |`);
  out.push('');

  out.push('## Timeline', '');
  if (source.timeline.length === 0) out.push('_No timeline entries._');
  else {
    out.push('| When (UTC) | What happened |', '| --- | --- |');
    for (const entry of source.timeline) out.push(`| ${entry.at} | ${escapeCell(entry.text)} |`);
  }
  out.push('');

  out.push('## Trigger and contributing factors', '');
  const causes = [...ofKind('TRIGGER'), ...ofKind('CONTRIBUTING_FACTOR')];
  if (causes.length === 0) out.push('_No trigger or contributing factor recorded yet._', '');
  const categories = [...new Set(causes.map((cause) => cause.category ?? 'UNCATEGORISED'))].sort();
  for (const category of categories) {
    out.push(`### ${category}`, '');
    for (const cause of causes.filter((c) => (c.category ?? 'UNCATEGORISED') === category))
      out.push(`- ${cause.kind === 'TRIGGER' ? '**Trigger**: ' : ''}${escapeInline(cause.description)}`);
    out.push('');
  }

  for (const [title, kind, none] of [
    ['What went well', 'WENT_WELL', 'Nothing recorded.'],
    ['Where we got lucky', 'GOT_LUCKY', 'Nothing recorded.'],
    ['Lessons learned', 'LESSON_LEARNED', 'No lesson recorded yet.'],
  ] as const) {
    out.push(`## ${title}`, '');
    const items = ofKind(kind);
    if (items.length === 0) out.push(`_${none}_`);
    for (const item of items) out.push(`- ${escapeInline(item.description)}`);
    out.push('');
  }

  out.push('## Action items', '');
  if (source.actionItems.length === 0) out.push('_No action items._');
  else {
    out.push('| Action item | Owner team | Due (UTC) | Status |', '| --- | --- | --- | --- |');
    for (const item of source.actionItems)
      out.push(
        `| ${escapeCell(item.title)} | ${escapeCell(item.ownerTeam)} | ${item.dueDate ?? 'none'} | ${item.status}${item.overdue ? ' (overdue)' : ''} |`,
      );
  }
  out.push('');

  if (source.similar) {
    out.push('## Similar past incidents', '');
    if (source.similar.length === 0) out.push('_None found._', '');
    for (const similar of source.similar) {
      out.push(
        `- ${escapeInline(similar.title)} (${similar.id}, started ${similar.startedAt}): ${similar.reasons.map(escapeInline).join('; ')}`,
      );
      for (const lesson of similar.lessons) out.push(`  - Lesson: ${escapeInline(lesson)}`);
    }
    if (source.similar.length > 0) out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/**
 * The ASCII punctuation Markdown gives a meaning to (CommonMark, and GitHub's: `~` strikethrough,
 * `$` math, `@` mentions, `:` autolinks and emoji); a backslash makes each literal.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|<>~&=:$@]/g;

/**
 * One line of user text inside the document's structure (a heading, a list item): whitespace (line
 * breaks included) collapsed to single spaces, and every punctuation character escaped, so nothing
 * in it is read as Markdown or HTML.
 */
export function escapeInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
}

/** A table cell: as escapeInline (its `|` cannot end the cell), and never empty. */
function escapeCell(text: string): string {
  return escapeInline(text) || ' ';
}

/**
 * Paragraphs of user text (a summary, an impact): its lines kept (trimmed, so none becomes an
 * indented code block), each escaped as escapeInline; empty when there is none.
 */
export function escapeBlock(text: string | null): string {
  if (!text) return '';
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => escapeInline(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** "2 h 5 min", "45 min", "3 d 4 h": from `from` to `to`, rounded down to the minute. */
function duration(from: string, to: string): string {
  const minutes = Math.floor((Date.parse(to) - Date.parse(from)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 0) return '';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
}
