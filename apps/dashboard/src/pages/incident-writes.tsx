import { useState } from 'preact/hooks';
import { ApiError, execute } from '../api';
import { fromLocalInput, toLocalInput, words } from '../format';
import { graphql } from '../gql';
import type { FactorCategory, FindingKind } from '../gql/graphql';

const RecordFinding = graphql(`
  mutation RecordFinding($input: RecordFindingInput!) {
    recordFinding(input: $input) {
      id
      blamelessHints
    }
  }
`);

const AddTimelineEntry = graphql(`
  mutation AddTimelineEntry($input: AddTimelineEntryInput!) {
    addTimelineEntry(input: $input) {
      id
    }
  }
`);

const FINDING_KINDS: FindingKind[] = [
  'TRIGGER',
  'CONTRIBUTING_FACTOR',
  'LESSON_LEARNED',
  'WENT_WELL',
  'GOT_LUCKY',
];
const CATEGORIES: FactorCategory[] = [
  'CODE_CHANGE',
  'CONFIG_CHANGE',
  'INFRASTRUCTURE',
  'DEPENDENCY',
  'CAPACITY',
  'NETWORK',
  'HARDWARE',
  'DATA',
  'USER_BEHAVIOR',
  'SECURITY',
  'PROCESS',
  'MONITORING_GAP',
  'UNKNOWN',
];
const CAUSAL: FindingKind[] = ['TRIGGER', 'CONTRIBUTING_FACTOR'];

/** Runs a write; its refusal, in the API's words (which name the field and the rule), or null. */
async function attempt(write: () => Promise<unknown>): Promise<string | null> {
  try {
    await write();
    return null;
  } catch (error) {
    return error instanceof ApiError || error instanceof Error ? error.message : String(error);
  }
}

/** What a CONTRIBUTOR may add to an incident from its page: findings and timeline entries. */
export function IncidentWrites({ incidentId, onWritten }: { incidentId: string; onWritten: () => void }) {
  return (
    <section aria-labelledby="add-title">
      <h2 id="add-title">Add to this incident</h2>
      <div class="writes">
        <FindingForm incidentId={incidentId} onWritten={onWritten} />
        <TimelineForm incidentId={incidentId} onWritten={onWritten} />
      </div>
    </section>
  );
}

function FindingForm({ incidentId, onWritten }: { incidentId: string; onWritten: () => void }) {
  const [kind, setKind] = useState<FindingKind>('LESSON_LEARNED');
  const [category, setCategory] = useState<FactorCategory>('CODE_CHANGE');
  const [description, setDescription] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const causal = CAUSAL.includes(kind);
  return (
    <form
      aria-label="Record a finding"
      onSubmit={(event) => {
        event.preventDefault();
        setSaving(true);
        void attempt(() =>
          execute(RecordFinding, {
            input: { incidentId, kind, category: causal ? category : null, description: description.trim() },
          }),
        ).then((problem) => {
          setSaving(false);
          setFailure(problem);
          if (problem === null) {
            setDescription('');
            onWritten();
          }
        });
      }}
    >
      <h3>Record a finding</h3>
      <label>
        Finding kind
        <select
          name="findingKind"
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as FindingKind)}
        >
          {FINDING_KINDS.map((value) => (
            <option value={value}>{words(value)}</option>
          ))}
        </select>
      </label>
      {causal && (
        <label>
          Factor category
          <select
            name="category"
            value={category}
            onChange={(e) => setCategory(e.currentTarget.value as FactorCategory)}
          >
            {CATEGORIES.map((value) => (
              <option value={value}>{words(value)}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        What was found (describe the conditions, not the person)
        <textarea
          name="description"
          required
          rows={3}
          maxLength={20_000}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      {failure && (
        <p class="error" role="alert">
          Not saved: {failure}
        </p>
      )}
      <button type="submit" disabled={saving}>
        {saving ? 'Saving…' : 'Record finding'}
      </button>
    </form>
  );
}

function TimelineForm({ incidentId, onWritten }: { incidentId: string; onWritten: () => void }) {
  const [at, setAt] = useState(() => toLocalInput(new Date().toISOString()));
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  return (
    <form
      aria-label="Add a timeline entry"
      onSubmit={(event) => {
        event.preventDefault();
        const instant = fromLocalInput(at);
        if (!instant) return setFailure('at: pick the date and time it happened.');
        setSaving(true);
        void attempt(() =>
          execute(AddTimelineEntry, { input: { incidentId, at: instant, text: text.trim() } }),
        ).then((problem) => {
          setSaving(false);
          setFailure(problem);
          if (problem === null) {
            setText('');
            onWritten();
          }
        });
      }}
    >
      <h3>Add a timeline entry</h3>
      <label>
        When (your time zone)
        <input
          type="datetime-local"
          name="at"
          required
          value={at}
          onInput={(e) => setAt(e.currentTarget.value)}
        />
      </label>
      <label>
        What happened
        <textarea
          name="text"
          required
          rows={3}
          maxLength={20_000}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      {failure && (
        <p class="error" role="alert">
          Not saved: {failure}
        </p>
      )}
      <button type="submit" disabled={saving}>
        {saving ? 'Saving…' : 'Add entry'}
      </button>
    </form>
  );
}
