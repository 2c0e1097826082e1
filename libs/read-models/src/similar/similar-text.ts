/**
 * Words of a failure's text, as the similarity ranking compares them: lower-cased, common English
 * words left out, and reduced to a rough stem so "expired", "expires" and "expiry" are one word.
 * The databases' own stemmers (FTS5 porter, PostgreSQL 'english') find the candidates; this one only
 * compares the few texts found, in the same way on both databases.
 */

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** Longest text looked at per document; the rest adds little and costs time. */
const MAX_TEXT_LENGTH = 4_000;

const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have
  having he her here hers him his how i if in into is it its itself just me more most my no nor not
  now of off on once only or other our out over own same she should so some such than that the their
  them then there these they this those through to too under until up very was we were what when where
  which while who whom why will with would you your yours also via per new one two were got get gets
  set sets using used use`.split(/\s+/),
);

/** A rough English stem: plural, past and gerund endings, then a final e or y. */
export function stemOf(word: string): string {
  let stem = word;
  if (stem.length > 4 && stem.endsWith('ies')) stem = `${stem.slice(0, -3)}y`;
  else if (stem.length > 4 && /(ss|us|is)$/.test(stem)) return stem;
  else if (stem.length > 3 && stem.endsWith('s')) stem = stem.slice(0, -1);
  if (stem.length > 5 && stem.endsWith('ing')) stem = stem.slice(0, -3);
  else if (stem.length > 4 && stem.endsWith('ed')) stem = stem.slice(0, -2);
  if (stem.length > 3 && /[ey]$/.test(stem)) stem = stem.slice(0, -1);
  return stem;
}

/** The words of a text worth comparing, in order of first appearance, each once. */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = text.slice(0, MAX_TEXT_LENGTH).normalize('NFC').toLowerCase().match(WORD) ?? [];
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const word of words) {
    if (word.length < 2 || word.length > 40 || STOP_WORDS.has(word) || /^\d+$/.test(word)) continue;
    if (seen.has(word)) continue;
    seen.add(word);
    kept.push(word);
  }
  return kept;
}

/** Stem → the first word of the text that gave it (what a reason shows). */
export function stemsOf(texts: ReadonlyArray<string | null | undefined>): Map<string, string> {
  const stems = new Map<string, string>();
  for (const text of texts)
    for (const word of wordsOf(text)) {
      const stem = stemOf(word);
      if (!stems.has(stem)) stems.set(stem, word);
    }
  return stems;
}
