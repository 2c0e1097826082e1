import { useState } from 'preact/hooks';
import { execute } from '../api';
import { words } from '../format';
import { graphql } from '../gql';
import { Async, Empty, Time, useLoad } from '../ui';

const Search = graphql(`
  query Search($query: String!) {
    search(query: $query, first: 20) {
      totalCount
      edges {
        node {
          snippet
          result {
            __typename
            ... on Incident {
              id
              title
            }
            ... on Finding {
              id
              incidentId
              kind
            }
            ... on ActionItem {
              id
              incidentId
              title
            }
          }
        }
      }
    }
  }
`);

const LatestIncidents = graphql(`
  query LatestIncidents {
    incidents(first: 20) {
      totalCount
      edges {
        node {
          id
          title
          kind
          severity
          status
          startedAt
          services
        }
      }
    }
  }
`);

/**
 * A snippet's text with its <mark> tags as elements: everything else stays text, so words an
 * incident's author typed can never become markup.
 */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/(<mark>[\s\S]*?<\/mark>)/g);
  return (
    <p class="snippet">
      {parts.map((part) =>
        part.startsWith('<mark>') && part.endsWith('</mark>') ? <mark>{part.slice(6, -7)}</mark> : part,
      )}
    </p>
  );
}

export function IncidentsPage({ query, navigate }: { query: string; navigate: (hash: string) => void }) {
  const [draft, setDraft] = useState(query);
  return (
    <>
      <h1>Incidents</h1>
      <form
        class="controls"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(draft.trim() ? `#/incidents?q=${encodeURIComponent(draft.trim())}` : '#/incidents');
        }}
      >
        <label>
          Search titles, summaries, findings, timelines, postmortems and action items
          <input
            type="search"
            name="q"
            maxLength={500}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      {query ? <SearchResults query={query} /> : <Latest />}
    </>
  );
}

function SearchResults({ query }: { query: string }) {
  const [loaded, retry] = useLoad(() => execute(Search, { query }), [query]);
  return (
    <section aria-labelledby="results-title">
      <Async loaded={loaded} retry={retry}>
        {({ search }) => (
          <>
            <h2 id="results-title">
              {search.totalCount} result{search.totalCount === 1 ? '' : 's'} for “{query}”
            </h2>
            {search.edges.length === 0 ? (
              <Empty>
                Nothing matches. Try fewer or other words; run <code>npm run seed</code> for demo data.
              </Empty>
            ) : (
              <ol class="results">
                {search.edges.map(({ node }) => {
                  const result = node.result;
                  const incidentId = result.__typename === 'Incident' ? result.id : result.incidentId;
                  const label =
                    result.__typename === 'Incident'
                      ? result.title
                      : result.__typename === 'Finding'
                        ? `Finding (${words(result.kind)})`
                        : `Action item: ${result.title}`;
                  return (
                    <li key={`${result.__typename}-${result.id}`}>
                      <a href={`#/incidents/${encodeURIComponent(incidentId)}`}>{label}</a>
                      <Snippet text={node.snippet} />
                    </li>
                  );
                })}
              </ol>
            )}
          </>
        )}
      </Async>
    </section>
  );
}

function Latest() {
  const [loaded, retry] = useLoad(() => execute(LatestIncidents), []);
  return (
    <section aria-labelledby="latest-title">
      <h2 id="latest-title">Latest incidents</h2>
      <Async loaded={loaded} retry={retry}>
        {({ incidents }) =>
          incidents.edges.length === 0 ? (
            <Empty>
              Nothing recorded yet. Report a failure, or run <code>npm run seed</code> for demo data.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Status</th>
                  <th scope="col">Services</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {incidents.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <a href={`#/incidents/${encodeURIComponent(node.id)}`}>{node.title}</a>
                    </td>
                    <td>{words(node.kind)}</td>
                    <td>{node.severity}</td>
                    <td>{words(node.status)}</td>
                    <td>{node.services.join(', ')}</td>
                    <td>
                      <Time iso={node.startedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}
