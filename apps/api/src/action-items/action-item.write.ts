import type { actionItemStream } from '@kb/domain';
import type { OutcomeOf } from '@kb/event-sourcing';

export type ActionItemOutcome = OutcomeOf<typeof actionItemStream>;
