import { execFile } from 'node:child_process';
import { join } from 'node:path';

/**
 * The layer fences of eslint.config.mjs bite: planted imports across a fence fail `npm run lint`
 * with the fence's message, their allowed counterparts pass. The sources are planted as text under
 * real paths (nothing is written to disk) and linted with the repository's configuration by
 * lint-planted.js (type-aware rules off, see there).
 */
interface Planted {
  readonly filePath: string;
  readonly code: string;
}
interface Linted {
  readonly filePath: string;
  readonly messages: ReadonlyArray<{ readonly ruleId: string | null; readonly message: string }>;
}

function lintPlanted(planted: readonly Planted[]): Promise<Linted[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'lint-planted.js')],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`lint-planted.js failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Linted[]);
      },
    );
    child.stdin?.end(JSON.stringify(planted));
  });
}

/** `import { <name> } from '<from>'`, used, so that no other rule has anything to say. */
const importing = (name: string, from: string) =>
  `import { ${name} } from '${from}';\nexport const probe = ${name};\n`;

const violations = [
  {
    what: 'a library importing an app by relative path',
    filePath: 'libs/read-models/src/testing/fence-probe.ts',
    code: importing('CommandExecutor', '../../../../apps/api/src/event-sourcing/command-executor'),
    fence: 'libraries never import apps',
    advice: /Move what it needs into a library/,
  },
  {
    what: 'a library importing an app through an alias',
    filePath: 'libs/event-store/src/fence-probe.ts',
    code: importing('AppModule', '@kb/api'),
    fence: 'libraries never import apps',
    advice: /`@kb\/` names the libraries only/,
  },
  {
    what: 'the domain importing Nest',
    filePath: 'libs/domain/src/incident/fence-probe.ts',
    code: importing('Injectable', '@nestjs/common'),
    fence: 'pure domain',
    advice: /does not use Nest/,
  },
  {
    what: 'the domain importing TypeORM',
    filePath: 'libs/domain/src/fence-probe.ts',
    code: importing('DataSource', 'typeorm'),
    fence: 'pure domain',
    advice: /persistence belongs to @kb\/event-store/,
  },
  {
    what: 'the domain importing node:fs',
    filePath: 'libs/domain/src/fence-probe.ts',
    code: importing('readFileSync', 'node:fs'),
    fence: 'pure domain',
    advice: /does no I\/O/,
  },
  {
    what: 'the domain importing fs/promises',
    filePath: 'libs/domain/src/fence-probe.ts',
    code: importing('readFile', 'fs/promises'),
    fence: 'pure domain',
    advice: /does no I\/O/,
  },
  {
    what: "the domain's tests importing Nest",
    filePath: 'libs/domain/src/fence-probe.spec.ts',
    code: importing('Test', '@nestjs/testing'),
    fence: 'pure domain',
    advice: /does not use Nest/,
  },
  {
    what: 'an app deep-importing a library',
    filePath: 'apps/api/src/fence-probe.ts',
    code: importing('Projector', '@kb/read-models/projector/projector'),
    fence: 'public entries only',
    advice: /through `@kb\/<lib>`/,
  },
  {
    what: 'an app reaching into a library by relative path',
    filePath: 'apps/api/test/fence-probe.int-spec.ts',
    code: importing('EsdbEventStore', '../../../libs/event-store/src/esdb/esdb-event-store'),
    fence: 'public entries only',
    advice: /no relative path into libs\//,
  },
  {
    what: 'a bench reaching into a library by relative path',
    filePath: 'bench/fence-probe.bench.ts',
    code: importing('incidentTrend', '../libs/read-models/src/analytics/incident-trend.query'),
    fence: 'public entries only',
    advice: /no relative path into libs\//,
  },
  {
    what: 'a library reaching into a sibling library by relative path',
    filePath: 'libs/read-models/src/incident/fence-probe.ts',
    code: importing('decideIncident', '../../../domain/src/incident/incident.decider'),
    fence: 'public entries only',
    advice: /no relative path into another library/,
  },
  {
    what: 'an example of docs/integrations.md importing a library',
    filePath: 'docs/examples/fence-probe.ts',
    code: importing('startEsdbGrpcServer', '@kb/event-store/testing'),
    fence: 'examples use packages only',
    advice: /never `@kb\/\*`/,
  },
  {
    what: 'an example importing a file of the repository',
    filePath: 'docs/examples/fence-probe.ts',
    code: importing('ApiUnderTest', '../../apps/api/test/support/api-under-test'),
    fence: 'examples use packages only',
    advice: /no file of this repository/,
  },
  {
    what: 'an example importing another example',
    filePath: 'docs/examples/fence-probe.ts',
    code: importing('followEvents', './follow-events-subscription'),
    fence: 'examples use packages only',
    advice: /each file stands alone/,
  },
  {
    what: 'the dashboard importing a library',
    filePath: 'apps/dashboard/src/fence-probe.ts',
    code: importing('incidentStreamId', '@kb/domain'),
    fence: 'the page talks to the API only',
    advice: /write a GraphQL document/,
  },
  {
    what: "the dashboard importing the service's code",
    filePath: 'apps/dashboard/src/pages/fence-probe.ts',
    code: importing('loadConfig', '../../../api/src/config/app-config'),
    fence: 'the page talks to the API only',
    advice: /uses the public API only/,
  },
];

const allowed = [
  {
    what: 'the dashboard importing its own files and packages',
    filePath: 'apps/dashboard/src/pages/fence-probe.ts',
    code: `${importing('execute', '../api')}${importing('render', 'preact')}`,
  },
  {
    what: 'a library importing another one',
    filePath: 'libs/read-models/src/fence-probe.ts',
    code: importing('incidentStreamId', '@kb/domain'),
  },
  {
    what: 'a library importing its own files',
    filePath: 'libs/read-models/src/incident/fence-probe.ts',
    code: importing('Projector', '../projector/projector'),
  },
  {
    what: "an app's test importing a library's test helper",
    filePath: 'apps/api/test/fence-probe.e2e-spec.ts',
    code: importing('countQueries', '@kb/read-models/testing/count-queries'),
  },
  {
    what: 'an app importing a testing entry',
    filePath: 'apps/api/test/fence-probe.int-spec.ts',
    code: importing('startEsdbGrpcServer', '@kb/event-store/testing'),
  },
  {
    what: 'the domain hashing with node:crypto',
    filePath: 'libs/domain/src/fence-probe.ts',
    code: importing('createHash', 'node:crypto'),
  },
  {
    what: "the domain's tests reading a file",
    filePath: 'libs/domain/src/fence-probe.spec.ts',
    code: importing('readFileSync', 'node:fs'),
  },
  {
    what: 'an example importing a published package',
    filePath: 'docs/examples/fence-probe.ts',
    code: importing('Webhook', 'standardwebhooks'),
  },
  {
    what: "an example importing Node's modules",
    filePath: 'docs/examples/fence-probe.ts',
    code: importing('createServer', 'node:http'),
  },
  {
    what: 'an app importing Nest',
    filePath: 'apps/api/src/fence-probe.ts',
    code: importing('Injectable', '@nestjs/common'),
  },
];

describe('layer fences (eslint.config.mjs)', () => {
  let linted: Linted[];

  beforeAll(async () => {
    linted = await lintPlanted([...violations, ...allowed]);
  }, 60_000);

  const messagesOf = (index: number) => linted[index].messages;

  it.each(violations.map((violation, index) => ({ ...violation, index })))(
    'fails $what ($filePath) with fence "$fence"',
    ({ index, fence, advice }) => {
      const messages = messagesOf(index);
      expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
      expect(messages[0].message).toContain(`Layer fence "${fence}": `);
      expect(messages[0].message).toMatch(advice);
    },
  );

  it.each(allowed.map((clean, index) => ({ ...clean, index: violations.length + index })))(
    'passes $what ($filePath)',
    ({ index }) => {
      expect(messagesOf(index)).toEqual([]);
    },
  );
});
