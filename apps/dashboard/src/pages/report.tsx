import { useEffect, useState } from 'preact/hooks';
import { ApiError, execute } from '../api';
import { fromLocalInput, toLocalInput, words } from '../format';
import { graphql } from '../gql';
import type { DetectionSource, IncidentKind, Severity } from '../gql/graphql';
import { Async, useLoad } from '../ui';
import { SimilarList } from './similar-list';

const ReportIncident = graphql(`
  mutation ReportIncident($input: ReportIncidentInput!) {
    reportIncident(input: $input) {
      id
    }
  }
`);

const SimilarToDescription = graphql(`
  query SimilarToDescription($input: SimilarIncidentsInput!) {
    similarIncidents(input: $input, first: 5) {
      score
      reasons
      incident {
        id
        title
        kind
        severity
        startedAt
      }
      lessons {
        id
        description
      }
    }
  }
`);

const KINDS: Array<[IncidentKind, string, DetectionSource]> = [
  ['INCIDENT', 'Incident', 'MONITORING_ALERT'],
  ['NEAR_MISS', 'Near-miss', 'INTERNAL_REPORT'],
  ['CHAOS_EXPERIMENT', 'Chaos experiment', 'CHAOS_EXPERIMENT'],
  ['GAME_DAY', 'Game day', 'CHAOS_EXPERIMENT'],
];
const SEVERITIES: Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'];
const SOURCES: DetectionSource[] = [
  'MONITORING_ALERT',
  'CUSTOMER_REPORT',
  'INTERNAL_REPORT',
  'CHAOS_EXPERIMENT',
  'AUDIT',
  'OTHER',
];
/** Wait this long after the last keystroke before asking for similar incidents. */
const SIMILAR_DELAY_MS = 350;

function servicesOf(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export function ReportPage({ navigate }: { navigate: (hash: string) => void }) {
  const [kind, setKind] = useState<IncidentKind>('INCIDENT');
  const [source, setSource] = useState<DetectionSource>('MONITORING_ALERT');
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('SEV3');
  const [services, setServices] = useState('');
  const [startedAt, setStartedAt] = useState(() => toLocalInput(new Date().toISOString()));
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // One key per form: a double click or a retry after a lost answer records the failure once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  // What to look for, settled SIMILAR_DELAY_MS after the last change.
  const [probe, setProbe] = useState({ title: '', services: [] as string[] });
  useEffect(() => {
    const timer = setTimeout(
      () => setProbe({ title: title.trim(), services: servicesOf(services) }),
      SIMILAR_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [title, services]);

  const submit = async () => {
    const started = fromLocalInput(startedAt);
    if (!started) return setFailure('startedAt: pick the date and time the failure started.');
    setSaving(true);
    setFailure(null);
    try {
      const { reportIncident } = await execute(ReportIncident, {
        input: {
          kind,
          title: title.trim(),
          severity,
          services: servicesOf(services),
          startedAt: started,
          detectionSource: source,
          idempotencyKey,
        },
      });
      navigate(`#/incidents/${encodeURIComponent(reportIncident.id)}`);
    } catch (error) {
      setSaving(false);
      setFailure(error instanceof ApiError || error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div class="report">
      <form
        aria-labelledby="report-title"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1 id="report-title">Report a failure</h1>
        <p class="note">
          Near-misses are as welcome as outages: what almost failed teaches the same lessons for free.
        </p>
        <fieldset>
          <legend>Kind</legend>
          {KINDS.map(([value, label, defaultSource]) => (
            <label class="inline">
              <input
                type="radio"
                name="kind"
                value={value}
                checked={kind === value}
                onChange={() => {
                  setKind(value);
                  setSource(defaultSource);
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <label>
          Title
          <input
            name="title"
            required
            maxLength={200}
            value={title}
            placeholder="e.g. TLS certificate expired on the API gateway"
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <label>
          Severity
          <select
            name="severity"
            value={severity}
            onChange={(e) => setSeverity(e.currentTarget.value as Severity)}
          >
            {SEVERITIES.map((value) => (
              <option value={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Services (comma-separated)
          <input
            name="services"
            required
            value={services}
            placeholder="e.g. api-gateway, checkout"
            onInput={(e) => setServices(e.currentTarget.value)}
          />
        </label>
        <label>
          Started at (your time zone)
          <input
            type="datetime-local"
            name="startedAt"
            required
            value={startedAt}
            onInput={(e) => setStartedAt(e.currentTarget.value)}
          />
        </label>
        <label>
          Detected by
          <select
            name="detectionSource"
            value={source}
            onChange={(e) => setSource(e.currentTarget.value as DetectionSource)}
          >
            {SOURCES.map((value) => (
              <option value={value}>{words(value)}</option>
            ))}
          </select>
        </label>
        {failure && (
          <p class="error" role="alert">
            Not saved: {failure}
          </p>
        )}
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Report'}
        </button>
      </form>
      <aside aria-labelledby="similar-while-typing">
        <h2 id="similar-while-typing">Similar past incidents</h2>
        {probe.title.length < 3 ? (
          <p class="muted">Type a title to see earlier failures like it and what was learned from them.</p>
        ) : (
          <SimilarWhileTyping title={probe.title} services={probe.services} />
        )}
      </aside>
    </div>
  );
}

function SimilarWhileTyping({ title, services }: { title: string; services: string[] }) {
  const input = { title, services: services.length > 0 ? services : null };
  const [loaded, retry] = useLoad(() => execute(SimilarToDescription, { input }), [JSON.stringify(input)]);
  return (
    <div aria-live="polite">
      <Async loaded={loaded} retry={retry}>
        {({ similarIncidents }) => <SimilarList matches={similarIncidents} />}
      </Async>
    </div>
  );
}
