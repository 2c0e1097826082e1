import type { EntityManager } from 'typeorm';
import { chunks } from '../projector/batch-rows';
import { stemsOf } from '../similar/similar-text';
import type { SearchDocumentRow } from './search-document.entity';

/**
 * `search_terms`: in how many counted documents each stem occurs (the similarity ranking's stems,
 * similar-text.ts), and under DOCUMENTS_TERM how many documents are counted. Counted are the texts
 * similar incidents search and compare: every document of an incident (title and summary, findings
 * not retracted, timeline, postmortem, experiment), not its action items.
 */
export const DOCUMENTS_TERM = '#documents';

/** Stems a document counts for, or none (a retracted finding, a timeline entry, an action item). */
export function countedStemsOf(
  document: Pick<SearchDocumentRow, 'id' | 'title' | 'body' | 'retracted'> | undefined,
): string[] {
  if (!document || document.retracted || document.id.startsWith('action-item:')) return [];
  return [...stemsOf([document.title, document.body]).keys(), DOCUMENTS_TERM];
}

/** Changes of the counts, by term, from documents as they were and as they are now. */
export class TermCounts {
  private readonly deltas = new Map<string, number>();

  add(stems: readonly string[], sign: 1 | -1): void {
    for (const stem of stems) this.deltas.set(stem, (this.deltas.get(stem) ?? 0) + sign);
  }

  async write(manager: EntityManager): Promise<void> {
    const changed = [...this.deltas].filter(([, delta]) => delta !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
    const postgres = manager.connection.driver.options.type === 'postgres';
    for (const chunk of chunks(changed, 1000)) {
      const values: unknown[] = [];
      const tuples = chunk.map(([term, delta]) => {
        values.push(term, delta);
        return postgres ? `($${values.length - 1}, $${values.length}::integer)` : '(?, ?)';
      });
      await manager.query(
        `INSERT INTO search_terms (term, documents) VALUES ${tuples.join(', ')}
         ON CONFLICT (term) DO UPDATE SET documents = search_terms.documents + excluded.documents`,
        values,
      );
    }
  }
}
