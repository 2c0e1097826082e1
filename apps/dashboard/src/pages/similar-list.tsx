import { words } from '../format';
import { Empty, Time } from '../ui';

export interface SimilarMatch {
  score: number;
  reasons: string[];
  incident: { id: string; title: string; kind: string; severity: string; startedAt: string };
  lessons: Array<{ id: string; description: string }>;
}

/** Earlier incidents that resemble one, with why and what was learned from them. */
export function SimilarList({ matches }: { matches: readonly SimilarMatch[] }) {
  if (matches.length === 0) return <Empty>No earlier incident resembles this one.</Empty>;
  return (
    <ol class="similar">
      {matches.map((match) => (
        <li key={match.incident.id}>
          <a href={`#/incidents/${encodeURIComponent(match.incident.id)}`}>{match.incident.title}</a>{' '}
          <span class="muted">
            {words(match.incident.kind)} · {match.incident.severity} ·{' '}
            <Time iso={match.incident.startedAt} dateOnly /> · score {match.score.toFixed(2)}
          </span>
          <p class="reasons">{match.reasons.join('; ')}</p>
          {match.lessons.length > 0 ? (
            <ul class="lessons" aria-label={`Lessons from ${match.incident.title}`}>
              {match.lessons.map((lesson) => (
                <li key={lesson.id}>Lesson: {lesson.description}</li>
              ))}
            </ul>
          ) : (
            <p class="muted">No lessons recorded.</p>
          )}
        </li>
      ))}
    </ol>
  );
}
