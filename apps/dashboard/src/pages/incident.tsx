import { useState } from 'preact/hooks';
import { downloadFile, execute } from '../api';
import { fromLocalInput, toLocalInput, words } from '../format';
import { graphql } from '../gql';
import { allows, type Role } from '../session';
import { ActionButton, Async, Empty, Time, useLoad } from '../ui';
import { IncidentWrites } from './incident-writes';
import { SimilarList } from './similar-list';

const IncidentPage = graphql(`
  query IncidentPage($id: ID!, $asOf: DateTime) {
    incident(id: $id, asOf: $asOf) {
      id
      revision
      title
      summary
      kind
      severity
      status
      services
      tags
      detectionSource
      startedAt
      detectedAt
      acknowledgedAt
      mitigatedAt
      resolvedAt
      closedAt
      reportedAt
      updatedAt
      postmortemDueAt
      timeline {
        id
        at
        text
      }
      findings {
        id
        kind
        category
        description
        blamelessHints
        retracted
        recordedAt
      }
      actionItems {
        id
        title
        type
        priority
        ownerTeam
        dueDate
        status
        overdue
        completedAt
      }
      links {
        relation
        incident {
          id
          title
        }
      }
      postmortem {
        summary
        impact
        publishedAt
        blamelessHints
      }
      experiment {
        hypothesis
        steadyState
        blastRadius
        abortConditions
        plannedFor
        outcome
        observations
        concludedAt
      }
    }
  }
`);

const SimilarToIncident = graphql(`
  query SimilarToIncident($id: ID!) {
    incident(id: $id) {
      id
      similar(first: 5) {
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
  }
`);

const IncidentHistory = graphql(`
  query IncidentHistory($id: ID!) {
    incident(id: $id) {
      id
      history {
        id
        revision
        type
        actor
        occurredAt
        recordedAt
        data
      }
    }
  }
`);

export function IncidentView({
  id,
  asOf,
  role,
  navigate,
}: {
  id: string;
  asOf: string | null;
  role: Role;
  navigate: (hash: string) => void;
}) {
  const [loaded, retry] = useLoad(() => execute(IncidentPage, { id, asOf }), [id, asOf]);
  const [draftAsOf, setDraftAsOf] = useState(asOf ? toLocalInput(asOf) : '');
  const showAsOf = (instant: string | null) =>
    navigate(`#/incidents/${encodeURIComponent(id)}${instant ? `?asOf=${encodeURIComponent(instant)}` : ''}`);
  return (
    <Async loaded={loaded} retry={retry}>
      {({ incident }) => {
        if (!incident)
          return (
            <>
              <h1>Incident not found</h1>
              <Empty>
                {asOf
                  ? 'Nothing was known of this incident at that time: pick a later date, or see it now.'
                  : 'No incident has this id. Search for it instead.'}
              </Empty>
              {asOf && (
                <button type="button" onClick={() => showAsOf(null)}>
                  See it now
                </button>
              )}
            </>
          );
        return (
          <article class="incident">
            <header>
              <p class="kicker">
                {words(incident.kind)} · {incident.severity} · {words(incident.status)}
              </p>
              <h1>{incident.title}</h1>
              {asOf && (
                <p class="as-of" role="status">
                  As known on <Time iso={asOf} /> (revision {incident.revision}).{' '}
                  <button type="button" onClick={() => showAsOf(null)}>
                    See it now
                  </button>
                </p>
              )}
            </header>
            <form
              class="controls"
              aria-label="Time travel"
              onSubmit={(event) => {
                event.preventDefault();
                showAsOf(fromLocalInput(draftAsOf));
              }}
            >
              <label>
                As of (your time zone)
                <input
                  type="datetime-local"
                  name="asOf"
                  value={draftAsOf}
                  onInput={(e) => setDraftAsOf(e.currentTarget.value)}
                />
              </label>
              <button type="submit" disabled={!fromLocalInput(draftAsOf)}>
                Show as of
              </button>
              <ActionButton
                label="Postmortem (Markdown)"
                action={() =>
                  downloadFile(`/incidents/${encodeURIComponent(id)}/postmortem.md`, `${id}-postmortem.md`)
                }
              />
            </form>

            <section aria-labelledby="details-title">
              <h2 id="details-title">Details</h2>
              {incident.summary && <p>{incident.summary}</p>}
              <dl class="facts">
                <dt>Services</dt>
                <dd>{incident.services.join(', ') || 'none'}</dd>
                <dt>Tags</dt>
                <dd>{incident.tags.join(', ') || 'none'}</dd>
                <dt>Detected by</dt>
                <dd>{words(incident.detectionSource)}</dd>
                <dt>Started</dt>
                <dd>
                  <Time iso={incident.startedAt} />
                </dd>
                <dt>Detected</dt>
                <dd>
                  <Time iso={incident.detectedAt} />
                </dd>
                <dt>Acknowledged</dt>
                <dd>
                  <Time iso={incident.acknowledgedAt} />
                </dd>
                <dt>Mitigated</dt>
                <dd>
                  <Time iso={incident.mitigatedAt} />
                </dd>
                <dt>Resolved</dt>
                <dd>
                  <Time iso={incident.resolvedAt} />
                </dd>
                <dt>Reported</dt>
                <dd>
                  <Time iso={incident.reportedAt} />
                </dd>
                {incident.postmortemDueAt && (
                  <>
                    <dt>Postmortem due</dt>
                    <dd>
                      <Time iso={incident.postmortemDueAt} />
                    </dd>
                  </>
                )}
              </dl>
            </section>

            {incident.experiment && (
              <section aria-labelledby="experiment-title">
                <h2 id="experiment-title">Experiment</h2>
                <dl class="facts">
                  <dt>Hypothesis</dt>
                  <dd>{incident.experiment.hypothesis}</dd>
                  <dt>Steady state</dt>
                  <dd>{incident.experiment.steadyState}</dd>
                  <dt>Blast radius</dt>
                  <dd>{incident.experiment.blastRadius.join(', ') || 'none'}</dd>
                  <dt>Abort when</dt>
                  <dd>{incident.experiment.abortConditions ?? 'not said'}</dd>
                  <dt>Planned for</dt>
                  <dd>
                    <Time iso={incident.experiment.plannedFor} />
                  </dd>
                  <dt>Outcome</dt>
                  <dd data-field="outcome">
                    {incident.experiment.outcome
                      ? `${words(incident.experiment.outcome)}${incident.experiment.observations ? `: ${incident.experiment.observations}` : ''}`
                      : 'not concluded yet'}
                  </dd>
                </dl>
              </section>
            )}

            <section aria-labelledby="timeline-title">
              <h2 id="timeline-title">Timeline</h2>
              {incident.timeline.length === 0 ? (
                <Empty>No timeline entries.</Empty>
              ) : (
                <ol class="timeline">
                  {[...incident.timeline]
                    .sort((a, b) => a.at.localeCompare(b.at))
                    .map((entry) => (
                      <li key={entry.id}>
                        <Time iso={entry.at} /> {entry.text}
                      </li>
                    ))}
                </ol>
              )}
            </section>

            <section aria-labelledby="findings-title">
              <h2 id="findings-title">Findings</h2>
              {incident.findings.length === 0 ? (
                <Empty>No findings yet.</Empty>
              ) : (
                <ul class="findings">
                  {incident.findings.map((finding) => (
                    <li key={finding.id} class={finding.retracted ? 'retracted' : undefined}>
                      <strong>{words(finding.kind)}</strong>
                      {finding.category && <span class="badge">{words(finding.category)}</span>}
                      {finding.retracted && <span class="badge">retracted</span>} {finding.description}
                      {finding.blamelessHints.length > 0 && (
                        <ul class="hints" aria-label="Blameless hints">
                          {finding.blamelessHints.map((hint) => (
                            <li>Blameless hint: {hint}</li>
                          ))}
                        </ul>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <section aria-labelledby="actions-title">
              <h2 id="actions-title">Action items</h2>
              {incident.actionItems.length === 0 ? (
                <Empty>No action items yet.</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Action</th>
                      <th scope="col">Owner team</th>
                      <th scope="col">Priority</th>
                      <th scope="col">Status</th>
                      <th scope="col">Due</th>
                    </tr>
                  </thead>
                  <tbody>
                    {incident.actionItems.map((item) => (
                      <tr key={item.id} class={item.overdue ? 'overdue' : undefined}>
                        <td>{item.title}</td>
                        <td>{item.ownerTeam}</td>
                        <td>{item.priority}</td>
                        <td>{words(item.status)}</td>
                        <td>
                          {item.dueDate ? <Time iso={item.dueDate} dateOnly /> : 'no date'}
                          {item.overdue && <span class="badge overdue-badge"> overdue</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            {incident.postmortem && (
              <section aria-labelledby="postmortem-title">
                <h2 id="postmortem-title">Postmortem</h2>
                <p>
                  Published <Time iso={incident.postmortem.publishedAt} />.
                </p>
                <p>{incident.postmortem.summary}</p>
                <p>
                  <strong>Impact:</strong> {incident.postmortem.impact}
                </p>
              </section>
            )}

            <section aria-labelledby="links-title">
              <h2 id="links-title">Links</h2>
              {incident.links.length === 0 ? (
                <Empty>Not linked to other incidents.</Empty>
              ) : (
                <ul>
                  {incident.links.map((link) => (
                    <li key={`${link.relation}-${link.incident.id}`}>
                      {words(link.relation)}:{' '}
                      <a href={`#/incidents/${encodeURIComponent(link.incident.id)}`}>
                        {link.incident.title}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </section>

            {/* Writes go to the incident as it is now, never to a past view of it. */}
            {allows(role, 'CONTRIBUTOR') && !asOf && <IncidentWrites incidentId={id} onWritten={retry} />}
            <SimilarPanel id={id} />
            <HistoryPanel id={id} role={role} onAsOf={showAsOf} />
          </article>
        );
      }}
    </Async>
  );
}

function SimilarPanel({ id }: { id: string }) {
  const [loaded, retry] = useLoad(() => execute(SimilarToIncident, { id }), [id]);
  return (
    <section aria-labelledby="similar-title">
      <h2 id="similar-title">Similar past incidents</h2>
      <Async loaded={loaded} retry={retry}>
        {({ incident }) => <SimilarList matches={incident?.similar ?? []} />}
      </Async>
    </section>
  );
}

function HistoryPanel({ id, role, onAsOf }: { id: string; role: Role; onAsOf: (instant: string) => void }) {
  if (!allows(role, 'ANALYST'))
    return (
      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <p class="note">The event history needs an ANALYST key or higher.</p>
      </section>
    );
  return <History id={id} onAsOf={onAsOf} />;
}

function History({ id, onAsOf }: { id: string; onAsOf: (instant: string) => void }) {
  const [loaded, retry] = useLoad(() => execute(IncidentHistory, { id }), [id]);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <Async loaded={loaded} retry={retry}>
        {({ incident }) => (
          <ol class="history">
            {(incident?.history ?? []).map((event) => (
              <li key={event.id} data-revision={event.revision}>
                <span class="event-type">{event.type}</span> recorded <Time iso={event.recordedAt} /> by{' '}
                <code>{event.actor}</code>{' '}
                <button type="button" onClick={() => onAsOf(event.recordedAt)}>
                  As of revision {event.revision}
                </button>
                <details>
                  <summary>Data</summary>
                  <pre>{JSON.stringify(event.data, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
        )}
      </Async>
    </section>
  );
}
