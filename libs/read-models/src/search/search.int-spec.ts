import { useProjectionTestbed } from '../testing/projection-testbed';
import type { DataSource } from 'typeorm';
import { PROJECTED_STREAM_PREFIXES, toProjectedEvent } from '../projector/projected-event';
import { rebuildProjection } from '../projector/projector';
import { describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { SearchDocumentRow } from './search-document.entity';
import { countedStemsOf, DOCUMENTS_TERM } from './search-terms';
import { SearchProjection } from './search.projection';
import { searchReadModel, type SearchPage } from './search.query';
import { parseSearchQuery, toFts5Match } from './search-query.parser';

const HOSTILE_QUERIES = [
  "'; DROP TABLE search_documents; --",
  '"',
  '"unbalanced config',
  'NEAR(pool limit, 2)',
  'pool*',
  '*',
  'AND OR NOT',
  'config AND NOT',
  'title:walrus',
  'body:(pool OR',
  "pool & !config | 'x':* <-> (",
  '\\',
  '',
  '   \n\t ',
  'walrus '.repeat(400),
  `${'config '.repeat(80)}${'x'.repeat(10_000)}`,
  '\u0000',
  '<mark>pool</mark>',
];

describeOnReadModelDatabases('search read model', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);

  const project = async (target: DataSource) => {
    const projector = await bed.startProjector(target, [new SearchProjection()]);
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    return projector;
  };

  const search = (query: string, first?: number, after?: string) =>
    searchReadModel(bed.dataSource, { query, first, after });

  const report = (title: string, summary: string | null = null) =>
    bed.writer.reportIncident({
      title,
      summary,
      kind: 'INCIDENT',
      severity: 'SEV2',
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });

  async function writeIncidents() {
    const checkout = await report(
      'Checkout errors after config push',
      'The payment gateway answered zebrafish codes',
    );
    await bed.writer.onIncident(checkout, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'Deploy 4711 finished on the marmalade cluster',
    });
    await bed.writer.onIncident(checkout, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push removed the connection pool limit <script>alert(1)</script>',
    });
    await bed.writer.onIncident(checkout, {
      type: 'RecordFinding',
      kind: 'LESSON_LEARNED',
      description: 'Quokka dashboards were missing',
    });
    await bed.writer.onIncident(checkout, {
      type: 'RetractFinding',
      findingId: `${checkout}:f2`,
      reason: 'Recorded on the wrong incident',
    });
    await bed.writer.onIncident(checkout, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T10:55:00.000Z',
    });
    await bed.writer.onIncident(checkout, {
      type: 'PublishPostmortem',
      summary: 'Pool exhaustion after a config push',
      impact: '4% of checkouts failed for 55 minutes near the gazebo',
    });
    const alert = await bed.writer.openActionItem(checkout, {
      findingId: `${checkout}:f1`,
      title: 'Alert on pool exhaustion',
      description: 'Page the on-call when the walrus metric spikes',
      itemType: 'DETECT',
      priority: 'P2',
      ownerTeam: 'team-payments',
    });
    const billing = await report('Walrus outage in billing');
    return { checkout, billing, alert, finding: `${checkout}:f1` };
  }

  /** The incident's title (armadillo) and summary (none), the finding's description (pangolin), the action item's. */
  async function reviseTexts(
    { checkout, finding, alert }: Awaited<ReturnType<typeof writeIncidents>>,
    actionItemDescription: string,
  ) {
    await bed.writer.onIncident(checkout, {
      type: 'ReviseIncident',
      title: 'Checkout armadillo',
      summary: null,
    });
    await bed.writer.onIncident(checkout, {
      type: 'ReviseFinding',
      findingId: finding,
      description: 'Pangolin limit',
    });
    await bed.writer.onActionItem(alert, { type: 'UpdateActionItem', description: actionItemDescription });
  }

  const results = (page: SearchPage) => page.hits.map((hit) => [hit.kind, hit.id]);

  it('finds incidents by the words of their title and summary, also by a prefix of the last word', async () => {
    const { checkout } = await writeIncidents();
    await project(bed.dataSource);
    for (const query of ['zebrafish', 'Checkout ERRORS', 'checkou']) {
      const page = await search(query);
      expect(results(page)[0]).toEqual(['INCIDENT', checkout]);
      expect(page.hits[0].incidentId).toBe(checkout);
      expect(page.hits[0].score).toBeGreaterThan(0);
    }
    expect((await search('zebrafish')).hits[0].snippet).toContain('<mark>zebrafish</mark>');
  });

  it('finds findings, and postmortems and timeline entries as their incident', async () => {
    const { checkout, finding } = await writeIncidents();
    await project(bed.dataSource);
    expect(results(await search('connection limit'))).toEqual([['FINDING', finding]]);
    expect(results(await search('gazebo'))).toEqual([['INCIDENT', checkout]]);
    expect(results(await search('marmalade 4711'))).toEqual([['INCIDENT', checkout]]);
    const timeline = await search('marmalade');
    expect(timeline.hits[0].snippet).toContain('<mark>marmalade</mark>');
  });

  it('lists each result once, by its best-matching text', async () => {
    const { checkout, finding } = await writeIncidents();
    await project(bed.dataSource);
    // The incident's title, its postmortem and the finding all mention the config push.
    const page = await search('config push');
    expect(results(page)).toEqual([
      ['INCIDENT', checkout],
      ['FINDING', finding],
    ]);
    expect(page.totalCount).toBe(2);
  });

  it('finds action items and ranks a title match above a passing mention', async () => {
    const { billing, alert, checkout } = await writeIncidents();
    await project(bed.dataSource);
    const page = await search('walrus');
    expect(results(page)).toEqual([
      ['INCIDENT', billing],
      ['ACTION_ITEM', alert],
    ]);
    expect(page.hits[0].score).toBeGreaterThan(page.hits[1].score);
    expect(page.hits[1]).toMatchObject({ incidentId: checkout });
    expect(page.hits[1].snippet).toContain('<mark>walrus</mark>');
  });

  it('marks the matched words and returns the rest of the text HTML-escaped', async () => {
    await writeIncidents();
    await project(bed.dataSource);
    const [hit] = (await search('removed')).hits;
    expect(hit.snippet).toContain('<mark>removed</mark>');
    expect(hit.snippet).toContain('&lt;script&gt;');
    expect(hit.snippet).not.toContain('<script>');
    expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
    // Markup in the text is words like any other (PostgreSQL would otherwise skip it as a tag).
    const [script] = (await search('script alert')).hits;
    expect(script.snippet).toContain('&lt;<mark>script</mark>&gt;<mark>alert</mark>(1)');
  });

  it('finds no retracted finding', async () => {
    const { checkout } = await writeIncidents();
    await project(bed.dataSource);
    expect(await search('quokka')).toEqual({ hits: [], totalCount: 0, hasNextPage: false, endCursor: null });
    expect(
      await bed.dataSource.manager.findOneByOrFail(SearchDocumentRow, { id: `finding:${checkout}:f2` }),
    ).toMatchObject({ retracted: true });
  });

  it('follows revisions of titles, summaries, descriptions', async () => {
    const written = await writeIncidents();
    const { checkout, finding } = written;
    await reviseTexts(written, 'Page the on-call');
    await project(bed.dataSource);
    expect(results(await search('armadillo'))).toEqual([['INCIDENT', checkout]]);
    expect(results(await search('zebrafish'))).toEqual([]);
    expect(results(await search('pangolin'))).toEqual([['FINDING', finding]]);
    expect(results(await search('removed'))).toEqual([]);
    expect(results(await search('walrus')).map(([kind]) => kind)).toEqual(['INCIDENT']);
  });

  it('counts the texts holding each word (search_terms) as a recount of the documents gives, through revisions and retractions', async () => {
    const written = await writeIncidents();
    const counts = async () => {
      const rows = await bed.dataSource.query<Array<{ term: string; documents: number | string }>>(
        'SELECT term, documents FROM search_terms WHERE documents <> 0',
      );
      return Object.fromEntries(rows.map((row) => [row.term, Number(row.documents)]));
    };
    const recount = async () => {
      const recounted: Record<string, number> = {};
      for (const document of await bed.dataSource.manager.find(SearchDocumentRow))
        for (const stem of countedStemsOf(document)) recounted[stem] = (recounted[stem] ?? 0) + 1;
      return recounted;
    };
    await project(bed.dataSource);
    const before = await counts();
    expect(before).toEqual(await recount());
    // Title and summary, the finding not retracted, timeline, postmortem: not the retracted finding
    // nor the action item.
    expect(before).toMatchObject({ [DOCUMENTS_TERM]: 5, zebrafish: 1, marmalad: 1, gazebo: 1, walrus: 1 });
    expect(before.quokka).toBeUndefined();

    await reviseTexts(written, 'Page the walrus team');
    await project(bed.dataSource);
    const after = await counts();
    expect(after).toEqual(await recount());
    expect(after).toMatchObject({ [DOCUMENTS_TERM]: 5, armadillo: 1, pangolin: 1, walrus: 1 });
    expect(after.zebrafish).toBeUndefined();
  });

  it('finds an experiment by its hypothesis, steady state and observations, and only by its latest plan', async () => {
    const experiment = await bed.writer.reportIncident({
      title: 'Game day: lose a replica',
      kind: 'GAME_DAY',
      severity: 'SEV4',
      services: ['checkout'],
      detectionSource: 'CHAOS_EXPERIMENT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });
    const plan = {
      type: 'PlanExperiment' as const,
      hypothesis: 'Checkout survives the loss of the capybara replica',
      steadyState: 'p99 below 300 ms on the okapi dashboard',
      blastRadius: ['checkout'],
    };
    await bed.writer.onIncident(experiment, plan);
    await bed.writer.onIncident(experiment, {
      ...plan,
      hypothesis: 'Checkout survives the loss of the wombat replica',
    });
    await bed.writer.onIncident(experiment, {
      type: 'ConcludeExperiment',
      outcome: 'REFUTED',
      observations: 'Failover stalled behind the narwhal lock',
      concludedAt: '2026-03-01T11:00:00.000Z',
    });
    await project(bed.dataSource);
    for (const query of ['wombat', 'okapi', 'narwhal']) {
      const page = await search(query);
      expect(results(page)).toEqual([['INCIDENT', experiment]]);
      expect(page.hits[0].snippet).toContain(`<mark>${query}</mark>`);
    }
    expect(results(await search('capybara'))).toEqual([]);
  });

  it('takes hostile text as plain words and never fails', async () => {
    await writeIncidents();
    await project(bed.dataSource);
    for (const query of HOSTILE_QUERIES) {
      const page = await search(query);
      expect(Array.isArray(page.hits)).toBe(true);
      expect(page.totalCount).toBeGreaterThanOrEqual(page.hits.length);
    }
    expect((await search('NEAR(pool limit, 2)')).totalCount).toBe(0); // "near" is in no text
    expect(results(await search('title:walrus')).length).toBe(0); // "title" is in no text
    expect((await search('"unbalanced config')).totalCount).toBe(0);
    expect(results(await search('(pool* exhaustion)')).map(([kind]) => kind)).toEqual([
      'ACTION_ITEM',
      'INCIDENT',
    ]);
    expect(await bed.dataSource.manager.count(SearchDocumentRow)).toBeGreaterThan(0);
  });

  it('pages through the hits with opaque cursors', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) ids.add(await report(`Hedgehog incident number ${i}`));
    await project(bed.dataSource);
    const seen: string[] = [];
    let after: string | undefined;
    const pages: SearchPage[] = [];
    do {
      const page = await search('hedgehog', 2, after);
      pages.push(page);
      seen.push(...page.hits.map((hit) => hit.id));
      after = page.endCursor ?? undefined;
      if (!page.hasNextPage) break;
    } while (after);
    expect(pages.map((page) => page.hits.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.totalCount)).toEqual([5, 5, 5]);
    expect(pages.map((page) => page.hasNextPage)).toEqual([true, true, false]);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toHaveLength(5);
    expect((await search('hedgehog', 1000)).hits).toHaveLength(5);
    const beyond = await search('hedgehog', 2, pages[2].endCursor ?? undefined);
    expect(beyond).toEqual({ hits: [], totalCount: 5, hasNextPage: false, endCursor: null });
    await expect(search('hedgehog', 2, 'not-a-cursor')).rejects.toThrow('search cursor');
  });

  it('gives every page exactly as a ranking of every match would, with many documents per result and ties', async () => {
    // 40 incidents, each with a few timeline entries and findings that repeat the same words: many
    // documents per result, many equal scores, a retracted finding or two.
    const words = ['otter', 'badger', 'heron', 'otter badger', 'heron otter'];
    for (let i = 0; i < 40; i += 1) {
      const incident = await report(
        `Otter ${words[i % 5]} ${i}`,
        i % 3 === 0 ? `badger ${words[(i + 1) % 5]}` : null,
      );
      for (let j = 0; j < (i % 4) + 1; j += 1)
        await bed.writer.onIncident(incident, {
          type: 'AddTimelineEntry',
          at: `2026-03-01T10:${String(10 + j).padStart(2, '0')}:00.000Z`,
          text: `${words[(i + j) % 5]} seen again`,
        });
      await bed.writer.onIncident(incident, {
        type: 'RecordFinding',
        kind: 'LESSON_LEARNED',
        description: `${words[(i * 7) % 5]} lesson ${i % 6}`,
      });
      if (i % 9 === 0)
        await bed.writer.onIncident(incident, {
          type: 'RetractFinding',
          findingId: `${incident}:f1`,
          reason: 'Recorded on the wrong incident',
        });
    }
    await project(bed.dataSource);
    for (const query of ['otter', 'badger', 'heron', 'otter badger', 'lesson', 'seen']) {
      const all = await search(query, 100);
      expect(all.hits.length).toBe(Math.min(100, all.totalCount));
      expect(all.totalCount).toBeGreaterThan(5);
      // Pages of every size give the same list, in the same order.
      for (const size of [1, 3, 7]) {
        const paged: SearchPage['hits'] = [];
        let after: string | undefined;
        for (let n = 0; n < 200; n += 1) {
          const page = await search(query, size, after);
          expect(page.totalCount).toBe(all.totalCount);
          paged.push(...page.hits);
          if (!page.hasNextPage) break;
          after = page.endCursor ?? undefined;
        }
        expect(paged.map((hit) => [hit.kind, hit.id, hit.score])).toEqual(
          all.hits.map((hit) => [hit.kind, hit.id, hit.score]),
        );
      }
      if (bed.dataSource.options.type === 'postgres') continue;
      // On SQLite, the definition: every match ranked, each result by its best document.
      const reference: Array<{ kind: string; id: string }> = await bed.dataSource.query(
        `WITH matches AS (
           SELECT d.id AS doc_id, d.result_kind, d.result_id, -bm25(search_fts, 10.0, 1.0) AS score
           FROM search_fts JOIN search_documents d ON d.seq = search_fts.rowid
           WHERE search_fts MATCH ? AND d.retracted = 0
         ), best AS (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY result_kind, result_id ORDER BY score DESC, doc_id) AS n
           FROM matches
         )
         SELECT result_kind AS kind, result_id AS id FROM best WHERE n = 1
         ORDER BY score DESC, result_kind, result_id`,
        [toFts5Match(parseSearchQuery(query))],
      );
      expect(all.totalCount).toBe(reference.length);
      expect(results(all)).toEqual(reference.slice(0, 100).map((row) => [row.kind, row.id]));
    }
  });

  it('keeps the same rows under re-delivery, a rebuild from zero and a rebuild in place', async () => {
    await writeIncidents();
    await project(bed.dataSource);
    const rows = await dumpReadModels(bed.dataSource);
    expect(rows.search_documents).toHaveLength(7);
    const answers = await search('config push walrus pool');

    // Every event delivered again, straight to the projection.
    const events = await bed.store.readAll({
      fromPosition: 'start',
      maxCount: 4096,
      filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES },
    });
    const projection = new SearchProjection();
    await bed.dataSource.transaction(async (manager) => {
      for (const event of events) await projection.apply(manager, toProjectedEvent(event));
    });
    expect(await dumpReadModels(bed.dataSource)).toEqual(rows);

    const rebuilt = await databases.open();
    await project(rebuilt);
    expect(await dumpReadModels(rebuilt)).toEqual(rows);
    expect(await searchReadModel(rebuilt, { query: 'config push walrus pool' })).toEqual(answers);

    await rebuildProjection(bed.store, bed.dataSource, projection);
    expect(await dumpReadModels(bed.dataSource)).toEqual(rows);
    expect(await search('config push walrus pool')).toEqual(answers);
    expect(await search('marmalade')).toMatchObject({ totalCount: 1 });
  });
});
