import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import * as Plot from '@observablehq/plot';
import { downloadCsv, execute } from '../api';
import { bucketLabel, decimal, duration, percent, words } from '../format';
import { graphql } from '../gql';
import type { TimeBucket, TrendDimension } from '../gql/graphql';
import { allows, type Role } from '../session';
import { ActionButton, Async, Empty, PALETTE, PlotChart, useLoad } from '../ui';

const IncidentTrend = graphql(`
  query IncidentTrend($input: TrendInput!) {
    incidentTrend(input: $input) {
      bucketStart
      key
      count
    }
  }
`);

const ResponseTimes = graphql(`
  query ResponseTimes($input: TrendInput!) {
    responseTimes(input: $input) {
      bucketStart
      incidents
      detect {
        medianSeconds
        p90Seconds
      }
      acknowledge {
        medianSeconds
        p90Seconds
      }
      mitigate {
        medianSeconds
        p90Seconds
      }
      resolve {
        medianSeconds
        p90Seconds
      }
    }
  }
`);

const ContributingFactors = graphql(`
  query ContributingFactors($input: PeriodInput!) {
    contributingFactors(input: $input) {
      category
      incidents
      share
      previousPeriodIncidents
    }
  }
`);

const ActionItemHealth = graphql(`
  query ActionItemHealth($input: ActionItemHealthInput!) {
    actionItemHealth(input: $input) {
      key
      open
      inProgress
      done
      wontDo
      overdue
      completionRate
      medianDaysToClose
    }
  }
`);

const Recurrence = graphql(`
  query Recurrence($input: PeriodInput!) {
    recurrence(input: $input) {
      incidents
      recurrences
      repeatRate
      clusters {
        service
        category
        incidents {
          id
          title
        }
      }
    }
  }
`);

const Learning = graphql(`
  query Learning($input: LearningInput!) {
    learning(input: $input) {
      bucketStart
      incidents
      nearMisses
      nearMissRatio
      experiments
      refutedRate
      postmortemRate
      medianDaysToPostmortem
      overduePostmortems
      actionItemRate
      onTimeActionItemRate
    }
  }
`);

/** The grouping selector's choices: the dimensions a trend is most often read by. */
const GROUPINGS: Array<[TrendDimension, string]> = [
  ['NONE', 'nothing (all incidents)'],
  ['SERVICE', 'service'],
  ['SEVERITY', 'severity'],
  ['KIND', 'kind'],
  ['FACTOR_CATEGORY', 'factor category'],
];
const BUCKETS: Array<[TimeBucket, string]> = [
  ['DAY', 'day'],
  ['WEEK', 'week'],
  ['MONTH', 'month'],
  ['QUARTER', 'quarter'],
];
/** Groups a chart draws in colour; the rest are summed as "other" (the table lists them all). */
const CHART_GROUPS = 7;
const CHART_TEAMS = 15;
const SHOWN_CLUSTERS = 10;

export interface Period {
  from: string;
  to: string;
  bucket: TimeBucket;
  groupBy: TrendDimension;
}

/** The last twelve whole months and the current one, by month: what a quarterly review looks at. */
export function defaultPeriod(now = new Date()): Period {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const from = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth() + 1, 1));
  return {
    from: from.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    bucket: 'MONTH',
    groupBy: 'NONE',
  };
}

const instant = (date: string) => `${date}T00:00:00.000Z`;

/** At most about `count` of the values, evenly spaced: the labels an axis has room for. */
function everyNth<T>(values: readonly T[], count: number): T[] {
  const step = Math.max(1, Math.ceil(values.length / count));
  return values.filter((_, index) => index % step === 0);
}

export function TrendsPage({ role }: { role: Role }) {
  const [period, setPeriod] = useState<Period>(defaultPeriod);
  const [draft, setDraft] = useState<Period>(period);
  const invalid =
    !draft.from || !draft.to || draft.from >= draft.to ? 'The period must end after it starts.' : null;
  const csv = allows(role, 'ANALYST');
  return (
    <>
      <h1>Failure trends</h1>
      <form
        class="controls"
        aria-label="Period and grouping"
        onSubmit={(event) => {
          event.preventDefault();
          if (!invalid) setPeriod(draft);
        }}
      >
        <label>
          From (UTC)
          <input
            type="date"
            name="from"
            value={draft.from}
            required
            onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
          />
        </label>
        <label>
          To, excluded (UTC)
          <input
            type="date"
            name="to"
            value={draft.to}
            required
            onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
          />
        </label>
        <label>
          Bucket
          <select
            name="bucket"
            value={draft.bucket}
            onChange={(e) => setDraft({ ...draft, bucket: e.currentTarget.value as TimeBucket })}
          >
            {BUCKETS.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          Group incidents by
          <select
            name="groupBy"
            value={draft.groupBy}
            onChange={(e) => setDraft({ ...draft, groupBy: e.currentTarget.value as TrendDimension })}
          >
            {GROUPINGS.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={invalid !== null}>
          Show
        </button>
        {invalid && (
          <p class="error-inline" role="alert">
            {invalid}
          </p>
        )}
      </form>
      {!csv && (
        <p class="note">
          CSV downloads need an ANALYST key or higher; this key may read the charts and their figures.
        </p>
      )}
      <div class="grid">
        <TrendChart period={period} csv={csv} />
        <ResponseTimeChart period={period} csv={csv} />
        <FactorChart period={period} csv={csv} />
        <ActionItemChart period={period} csv={csv} />
        <RecurrencePanel period={period} csv={csv} />
        <LearningChart period={period} csv={csv} />
      </div>
    </>
  );
}

/** A chart's frame: its heading, the download of its report's CSV, the chart, its figures. */
function Panel({
  id,
  title,
  report,
  params,
  csv,
  children,
}: {
  id: string;
  title: string;
  report: string;
  params: Record<string, string | null>;
  csv: boolean;
  children: ComponentChildren;
}) {
  return (
    <section class="panel" aria-labelledby={`${id}-title`} data-chart={id}>
      <header>
        <h2 id={`${id}-title`}>{title}</h2>
        <ActionButton
          label="Download CSV"
          disabled={!csv}
          title={csv ? `${report}.csv` : 'needs an ANALYST key or higher'}
          action={() => downloadCsv(report, params)}
        />
      </header>
      {children}
    </section>
  );
}

function Figures({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string[];
  rows: Array<Array<string | number>>;
}) {
  return (
    <details class="figures">
      <summary>Figures</summary>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((cell) => (
              <th scope="col">{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {row.map((cell) => (
                <td>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const NO_DATA = (
  <Empty>
    No incidents in this period. Pick a longer period, or run <code>npm run seed</code> for demo data.
  </Empty>
);

function TrendChart({ period, csv }: { period: Period; csv: boolean }) {
  const input = {
    from: instant(period.from),
    to: instant(period.to),
    bucket: period.bucket,
    groupBy: period.groupBy,
  };
  const [loaded, retry] = useLoad(() => execute(IncidentTrend, { input }), [JSON.stringify(input)]);
  return (
    <Panel
      id="incidentTrend"
      title={`Incidents per ${period.bucket.toLowerCase()}${period.groupBy === 'NONE' ? '' : ` by ${words(period.groupBy)}`}`}
      report="incidentTrend"
      params={{ from: input.from, to: input.to, bucket: input.bucket, groupBy: input.groupBy }}
      csv={csv}
    >
      <Async loaded={loaded} retry={retry}>
        {({ incidentTrend: points }) => {
          if (points.every((p) => p.count === 0)) return NO_DATA;
          const totals = new Map<string, number>();
          for (const p of points) totals.set(p.key ?? 'all', (totals.get(p.key ?? 'all') ?? 0) + p.count);
          const top = new Set(
            [...totals]
              .sort((a, b) => b[1] - a[1])
              .slice(0, CHART_GROUPS)
              .map(([key]) => key),
          );
          const data = points.map((p) => ({
            bucket: bucketLabel(p.bucketStart),
            group: top.has(p.key ?? 'all') ? (p.key ?? 'all') : 'other',
            count: p.count,
          }));
          const groups = [...top, ...(totals.size > top.size ? ['other'] : [])];
          const buckets = [...new Set(data.map((d) => d.bucket))];
          return (
            <>
              <ChartOf
                label="Incidents per bucket"
                data={data}
                options={{
                  marginBottom: 56,
                  x: { label: null, type: 'band', tickRotate: -40, ticks: everyNth(buckets, 16) },
                  y: { label: 'incidents', grid: true },
                  color: { domain: groups, range: PALETTE, legend: period.groupBy !== 'NONE' },
                  marks: [
                    Plot.barY(data, {
                      x: 'bucket',
                      y: 'count',
                      fill: 'group',
                      title: (d: (typeof data)[number]) => `${d.bucket} · ${d.group}: ${d.count}`,
                    }),
                    Plot.ruleY([0]),
                  ],
                }}
              />
              <Figures
                caption="Incidents per bucket"
                head={['bucket', 'group', 'incidents']}
                rows={points.map((p) => [bucketLabel(p.bucketStart), p.key ?? 'all', p.count])}
              />
            </>
          );
        }}
      </Async>
    </Panel>
  );
}

/** A chart whose options are built once per data, not on every render. */
function ChartOf({ label, data, options }: { label: string; data: unknown; options: Plot.PlotOptions }) {
  const memo = useMemo(() => options, [data]);
  return <PlotChart label={label} options={memo} />;
}

function ResponseTimeChart({ period, csv }: { period: Period; csv: boolean }) {
  const input = { from: instant(period.from), to: instant(period.to), bucket: period.bucket };
  const [loaded, retry] = useLoad(() => execute(ResponseTimes, { input }), [JSON.stringify(input)]);
  return (
    <Panel
      id="responseTimes"
      title="Time to detect and to resolve"
      report="responseTimes"
      params={input}
      csv={csv}
    >
      <Async loaded={loaded} retry={retry}>
        {({ responseTimes: points }) => {
          if (points.every((p) => p.incidents === 0)) return NO_DATA;
          const hours = (s: number | null | undefined) => (s === null || s === undefined ? NaN : s / 3600);
          const data = points.flatMap((p) => [
            {
              bucket: new Date(p.bucketStart),
              series: 'detect, median',
              hours: hours(p.detect.medianSeconds),
            },
            { bucket: new Date(p.bucketStart), series: 'detect, p90', hours: hours(p.detect.p90Seconds) },
            {
              bucket: new Date(p.bucketStart),
              series: 'resolve, median',
              hours: hours(p.resolve.medianSeconds),
            },
            { bucket: new Date(p.bucketStart), series: 'resolve, p90', hours: hours(p.resolve.p90Seconds) },
          ]);
          return (
            <>
              <ChartOf
                label="Median and p90 hours to detect and to resolve"
                data={data}
                options={{
                  x: { label: null, type: 'utc' },
                  y: { label: 'hours', grid: true },
                  color: { legend: true, range: PALETTE },
                  marks: [
                    Plot.lineY(data, { x: 'bucket', y: 'hours', stroke: 'series', strokeWidth: 2 }),
                    Plot.dot(data, {
                      x: 'bucket',
                      y: 'hours',
                      fill: 'series',
                      symbol: 'series',
                      title: (d: (typeof data)[number]) =>
                        `${d.bucket.toISOString().slice(0, 10)} · ${d.series}: ${d.hours.toFixed(2)} h`,
                    }),
                  ],
                }}
              />
              <Figures
                caption="Time to detect, acknowledge, mitigate and resolve"
                head={[
                  'bucket',
                  'incidents',
                  'detect median',
                  'detect p90',
                  'acknowledge median',
                  'mitigate median',
                  'resolve median',
                  'resolve p90',
                ]}
                rows={points.map((p) => [
                  bucketLabel(p.bucketStart),
                  p.incidents,
                  duration(p.detect.medianSeconds),
                  duration(p.detect.p90Seconds),
                  duration(p.acknowledge.medianSeconds),
                  duration(p.mitigate.medianSeconds),
                  duration(p.resolve.medianSeconds),
                  duration(p.resolve.p90Seconds),
                ])}
              />
            </>
          );
        }}
      </Async>
    </Panel>
  );
}

function change(now: number, before: number): string {
  if (now === before) return '±0';
  return now > before ? `+${now - before}` : `−${before - now}`;
}

function FactorChart({ period, csv }: { period: Period; csv: boolean }) {
  const input = { from: instant(period.from), to: instant(period.to) };
  const [loaded, retry] = useLoad(() => execute(ContributingFactors, { input }), [JSON.stringify(input)]);
  return (
    <Panel
      id="contributingFactors"
      title="Contributing factors"
      report="contributingFactors"
      params={input}
      csv={csv}
    >
      <Async loaded={loaded} retry={retry}>
        {({ contributingFactors: ranks }) => {
          if (ranks.length === 0)
            return (
              <Empty>No categorised findings in this period: record triggers and contributing factors.</Empty>
            );
          const data = ranks.flatMap((r) => [
            { category: words(r.category), period: 'this period', incidents: r.incidents },
            { category: words(r.category), period: 'previous period', incidents: r.previousPeriodIncidents },
          ]);
          return (
            <>
              <ChartOf
                label="Incidents per contributing factor, this period and the one before"
                data={data}
                options={{
                  marginLeft: 120,
                  // Side by side per category (facets), not stacked: the previous period is a comparison.
                  fy: { label: null, axis: 'left', domain: ranks.map((r) => words(r.category)) },
                  y: { axis: null, domain: ['this period', 'previous period'] },
                  x: { label: 'incidents', grid: true },
                  color: {
                    legend: true,
                    domain: ['this period', 'previous period'],
                    range: [PALETTE[0], PALETTE[1]],
                  },
                  height: 60 + ranks.length * 34,
                  marks: [
                    Plot.barX(data, {
                      fy: 'category',
                      y: 'period',
                      x: 'incidents',
                      fill: 'period',
                      title: (d: (typeof data)[number]) => `${d.category} · ${d.period}: ${d.incidents}`,
                    }),
                  ],
                }}
              />
              <Figures
                caption="Contributing factors, ranked"
                head={['category', 'incidents', 'share', 'previous period', 'change']}
                rows={ranks.map((r) => [
                  words(r.category),
                  r.incidents,
                  percent(r.share),
                  r.previousPeriodIncidents,
                  change(r.incidents, r.previousPeriodIncidents),
                ])}
              />
            </>
          );
        }}
      </Async>
    </Panel>
  );
}

function ActionItemChart({ period, csv }: { period: Period; csv: boolean }) {
  const input = { from: instant(period.from), to: instant(period.to), groupBy: 'OWNER_TEAM' as const };
  const [loaded, retry] = useLoad(() => execute(ActionItemHealth, { input }), [JSON.stringify(input)]);
  return (
    <Panel
      id="actionItemHealth"
      title="Action items per team"
      report="actionItemHealth"
      params={input}
      csv={csv}
    >
      <Async loaded={loaded} retry={retry}>
        {({ actionItemHealth: rows }) => {
          if (rows.length === 0)
            return (
              <Empty>No action items for the incidents of this period: commit to some on an incident.</Empty>
            );
          const teams = [...rows]
            .sort(
              (a, b) =>
                b.open + b.inProgress + b.done + b.wontDo - (a.open + a.inProgress + a.done + a.wontDo),
            )
            .slice(0, CHART_TEAMS);
          const statuses = ['open', 'in progress', 'done', "won't do"];
          const data = teams.flatMap((r) => [
            { team: r.key ?? 'all', status: 'open', items: r.open },
            { team: r.key ?? 'all', status: 'in progress', items: r.inProgress },
            { team: r.key ?? 'all', status: 'done', items: r.done },
            { team: r.key ?? 'all', status: "won't do", items: r.wontDo },
          ]);
          return (
            <>
              <ChartOf
                label="Action items per owner team by status"
                data={data}
                options={{
                  marginLeft: 170,
                  y: { label: null, domain: teams.map((r) => r.key ?? 'all') },
                  x: { label: 'action items', grid: true },
                  color: {
                    legend: true,
                    domain: statuses,
                    range: [PALETTE[1], PALETTE[4], PALETTE[2], '#999999'],
                  },
                  marks: [
                    Plot.barX(data, {
                      y: 'team',
                      x: 'items',
                      fill: 'status',
                      title: (d: (typeof data)[number]) => `${d.team} · ${d.status}: ${d.items}`,
                    }),
                  ],
                }}
              />
              <Figures
                caption="Action-item health per owner team"
                head={[
                  'team',
                  'open',
                  'in progress',
                  'done',
                  "won't do",
                  'overdue',
                  'completion',
                  'median days to close',
                ]}
                rows={rows.map((r) => [
                  r.key ?? 'all',
                  r.open,
                  r.inProgress,
                  r.done,
                  r.wontDo,
                  r.overdue,
                  percent(r.completionRate),
                  decimal(r.medianDaysToClose, 1),
                ])}
              />
            </>
          );
        }}
      </Async>
    </Panel>
  );
}

function RecurrencePanel({ period, csv }: { period: Period; csv: boolean }) {
  const input = { from: instant(period.from), to: instant(period.to) };
  const [loaded, retry] = useLoad(() => execute(Recurrence, { input }), [JSON.stringify(input)]);
  return (
    <Panel id="recurrence" title="Recurring failures" report="recurrence" params={input} csv={csv}>
      <Async loaded={loaded} retry={retry}>
        {({ recurrence }) => {
          if (recurrence.incidents === 0) return NO_DATA;
          const clusters = [...recurrence.clusters].sort((a, b) => b.incidents.length - a.incidents.length);
          const shown = clusters.slice(0, SHOWN_CLUSTERS);
          const data = shown.map((c) => ({
            cluster: `${c.service} · ${words(c.category)}`,
            incidents: c.incidents.length,
          }));
          return (
            <>
              <p class="headline">
                <strong data-figure="repeatRate">{percent(recurrence.repeatRate)}</strong> of{' '}
                <span data-figure="incidents">{recurrence.incidents}</span> incidents repeated an earlier
                failure (<span data-figure="recurrences">{recurrence.recurrences}</span>), in{' '}
                {clusters.length} clusters.
              </p>
              {data.length > 0 && (
                <ChartOf
                  label="Largest recurrence clusters"
                  data={data}
                  options={{
                    marginLeft: 240,
                    y: { label: null, domain: data.map((d) => d.cluster) },
                    x: { label: 'incidents', grid: true },
                    marks: [
                      Plot.barX(data, {
                        y: 'cluster',
                        x: 'incidents',
                        fill: PALETTE[5],
                        title: (d: (typeof data)[number]) => `${d.cluster}: ${d.incidents}`,
                      }),
                    ],
                  }}
                />
              )}
              <Figures
                caption="Recurrence clusters (service and factor category)"
                head={['service', 'factor', 'incidents', 'latest']}
                rows={clusters.map((c) => [
                  c.service,
                  words(c.category),
                  c.incidents.length,
                  c.incidents[c.incidents.length - 1]?.title ?? '',
                ])}
              />
            </>
          );
        }}
      </Async>
    </Panel>
  );
}

function LearningChart({ period, csv }: { period: Period; csv: boolean }) {
  const input = { from: instant(period.from), to: instant(period.to), bucket: period.bucket };
  const [loaded, retry] = useLoad(() => execute(Learning, { input }), [JSON.stringify(input)]);
  return (
    <Panel id="learning" title="Learning indicators" report="learning" params={input} csv={csv}>
      <Async loaded={loaded} retry={retry}>
        {({ learning: points }) => {
          if (points.every((p) => p.incidents + p.nearMisses + p.experiments === 0)) return NO_DATA;
          const series: Array<[string, (p: (typeof points)[number]) => number | null | undefined]> = [
            ['near-miss ratio', (p) => p.nearMissRatio],
            ['postmortem rate', (p) => p.postmortemRate],
            ['on-time action items', (p) => p.onTimeActionItemRate],
            ['refuted experiments', (p) => p.refutedRate],
          ];
          const data = points.flatMap((p) =>
            series.map(([name, value]) => ({
              bucket: new Date(p.bucketStart),
              series: name,
              value: value(p) ?? NaN,
            })),
          );
          return (
            <>
              <ChartOf
                label="Near-miss ratio, postmortem rate, on-time action items and refuted experiments"
                data={data}
                options={{
                  x: { label: null, type: 'utc' },
                  y: { label: 'ratio', grid: true },
                  color: { legend: true, range: PALETTE },
                  marks: [
                    Plot.lineY(data, { x: 'bucket', y: 'value', stroke: 'series', strokeWidth: 2 }),
                    Plot.dot(data, {
                      x: 'bucket',
                      y: 'value',
                      fill: 'series',
                      symbol: 'series',
                      title: (d: (typeof data)[number]) =>
                        `${d.bucket.toISOString().slice(0, 10)} · ${d.series}: ${d.value.toFixed(2)}`,
                    }),
                  ],
                }}
              />
              <Figures
                caption="Learning indicators per bucket"
                head={[
                  'bucket',
                  'incidents',
                  'near-misses',
                  'near-miss ratio',
                  'experiments',
                  'refuted',
                  'postmortem rate',
                  'days to postmortem',
                  'overdue postmortems',
                  'with action items',
                  'on-time action items',
                ]}
                rows={points.map((p) => [
                  bucketLabel(p.bucketStart),
                  p.incidents,
                  p.nearMisses,
                  decimal(p.nearMissRatio),
                  p.experiments,
                  percent(p.refutedRate),
                  percent(p.postmortemRate),
                  decimal(p.medianDaysToPostmortem, 1),
                  p.overduePostmortems,
                  percent(p.actionItemRate),
                  percent(p.onTimeActionItemRate),
                ])}
              />
            </>
          );
        }}
      </Async>
    </Panel>
  );
}
