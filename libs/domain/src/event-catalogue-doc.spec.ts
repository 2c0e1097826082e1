import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionItemCatalogue } from './action-item/action-item.catalogue';
import { alertGroupCatalogue } from './alert-group/alert-group.catalogue';
import { apiKeyCatalogue } from './api-key/api-key.catalogue';
import { incidentCatalogue } from './incident/incident.catalogue';
import { webhookCatalogue } from './webhook/webhook.catalogue';

/** docs/events.md is what integrations read: it must list exactly the events the code writes. */
describe('docs/events.md', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/events.md'), 'utf8');
  const documented = new Map([...doc.matchAll(/^### (\w+) \(v(\d+)\)$/gm)].map((m) => [m[1], Number(m[2])]));
  const inCode = new Map<string, number>(
    Object.entries({
      ...incidentCatalogue.versions,
      ...actionItemCatalogue.versions,
      ...apiKeyCatalogue.versions,
      ...webhookCatalogue.versions,
      ...alertGroupCatalogue.versions,
    }),
  );

  it('lists every event type of the code, with its current version', () => {
    for (const [type, version] of inCode)
      expect({ type, version: documented.get(type) }).toEqual({ type, version });
  });

  it('lists no event type the code does not have', () => {
    expect([...documented.keys()].filter((type) => !inCode.has(type))).toEqual([]);
  });

  it('gives an example of each', () => {
    for (const type of inCode.keys()) {
      const section = doc.split(`### ${type} (`)[1].split('\n### ')[0];
      expect({ type, hasExample: section.includes('```json') }).toEqual({ type, hasExample: true });
    }
  });
});
