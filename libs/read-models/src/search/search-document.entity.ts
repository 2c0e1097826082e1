import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a hit resolves to in the API's `SearchResult` union. */
export type SearchResultKind = 'INCIDENT' | 'FINDING' | 'ACTION_ITEM';

/**
 * One searchable text: an incident (title + summary), a finding, a postmortem, a timeline entry or an
 * experiment's plan (hypothesis + steady state) or observations (all four found as their incident),
 * an action item. The full-text index lives beside it and is
 * database-specific (see the search migration), so it is not mapped here.
 */
@Entity('search_documents')
export class SearchDocumentRow {
  /**
   * `incident:<id>`, `finding:<findingId>`, `postmortem:<incidentId>`, `timeline:<entryId>`,
   * `experiment:<incidentId>`, `experiment-observations:<incidentId>`, `action-item:<id>`.
   */
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'result_kind' })
  resultKind!: SearchResultKind;

  @Column('text', { name: 'result_id' })
  resultId!: string;

  @Column('text', { name: 'incident_id' })
  incidentId!: string;

  /** Ranked above the body: incident and action-item titles; empty for the others. */
  @Column('text')
  title!: string;

  @Column('text')
  body!: string;

  /** A retracted finding stays here (so a late re-delivery cannot bring it back) but is never found. */
  @Column('boolean')
  retracted!: boolean;

  /** Revision of the stream's last event applied to this document (0-based). */
  @Column('integer')
  revision!: number;
}
