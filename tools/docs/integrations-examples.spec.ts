import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/integrations.md shows each example of docs/examples/ whole, and the e2e test
 * (apps/api/test/integrations-examples.e2e-spec.ts) runs the files: so the copies must be the files.
 * A copy is the ```ts block right after a line `<!-- embed docs/examples/<file>.ts -->`.
 */
const ROOT = join(__dirname, '../..');
const DOC = 'docs/integrations.md';
const MARKER = /<!-- embed (\S+) -->/g;
const EMBEDDED = /<!-- embed (\S+) -->\n\n```ts\n([\s\S]*?)```\n/g;

describe(`${DOC}: its examples are the files the e2e test runs`, () => {
  const doc = readFileSync(join(ROOT, DOC), 'utf8');
  const copies = [...doc.matchAll(EMBEDDED)].map(([, path, code]) => ({ path, code }));
  const examples = readdirSync(join(ROOT, 'docs/examples'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `docs/examples/${name}`)
    .sort();

  it('has a ```ts block after each embed marker', () => {
    expect(copies.map((copy) => copy.path)).toEqual([...doc.matchAll(MARKER)].map(([, path]) => path));
  });

  it('embeds every example of docs/examples/ once, and nothing else', () => {
    expect(copies.map((copy) => copy.path).sort()).toEqual(examples);
  });

  it.each(examples)('shows %s as it is (copy the file into the block after changing it)', (path) => {
    const copy = copies.find((candidate) => candidate.path === path);
    expect(copy?.code).toBe(readFileSync(join(ROOT, path), 'utf8'));
  });
});
