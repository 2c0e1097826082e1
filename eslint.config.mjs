// typescript-eslint, type-checked: no floating promises, exhaustive switches (house style).
// Then the layer fences: who may import whom (tools/architecture/layer-fences.spec.ts proves they bite).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The libraries under libs/, each imported as `@kb/<name>`. */
const LIBRARIES = ['domain', 'event-store', 'event-sourcing', 'read-models'];

/**
 * Every fence is a `no-restricted-imports` regex pattern (matched against the import's text, case-
 * insensitively) whose message names the fence and says what to do instead. ESLint replaces a rule's
 * options, it does not merge them, when several blocks match one file: so each block below lists
 * every fence of its files, built from these lists.
 */
const fence = (name, regex, instead) => ({ regex, message: `Layer fence "${name}": ${instead}` });

// "public entries only", everywhere: another library only through `@kb/<lib>` or its `testing` entry.
const PUBLIC_ENTRIES_ONLY = [
  fence(
    'public entries only',
    String.raw`^@kb/[^/]+/(?!testing(?:/|$))`,
    'import a library through `@kb/<lib>` (export what you need from its src/index.ts), or its test helpers through `@kb/<lib>/testing/...`; never a file deep inside it.',
  ),
  fence(
    'public entries only',
    String.raw`^(?:\./)?(?:\.\./)+libs(?:/|$)`,
    'no relative path into libs/: import `@kb/<lib>` (or `@kb/<lib>/testing/...` in tests).',
  ),
  fence(
    'public entries only',
    String.raw`^libs(?:/|$)`,
    'no path from the repository root into libs/: import `@kb/<lib>` (or `@kb/<lib>/testing/...` in tests).',
  ),
];

// "libraries never import apps", in libs/: no relative path, root path or alias to an application.
const NO_APPS_FROM_LIBRARIES = [
  fence(
    'libraries never import apps',
    String.raw`^(?:\./)?(?:\.\./)+apps(?:/|$)`,
    'a library cannot reach into apps/. Move what it needs into a library (the write-side engine lives in @kb/event-sourcing, streams in @kb/domain) and import that.',
  ),
  fence(
    'libraries never import apps',
    String.raw`^apps(?:/|$)`,
    'a library cannot import from apps/. Move what it needs into a library and import that.',
  ),
  fence(
    'libraries never import apps',
    String.raw`^@kb/(?!(?:${LIBRARIES.join('|')})(?:/|$))`,
    `\`@kb/\` names the libraries only (${LIBRARIES.join(', ')}); a library cannot import an application.`,
  ),
];

// "public entries only", inside one library: its own files by relative path, another library's never.
const noRelativePathInto = (others) =>
  fence(
    'public entries only',
    String.raw`^(?:\./)?(?:\.\./)+(?:${others.join('|')})(?:/|$)`,
    'no relative path into another library: import `@kb/<lib>` (or `@kb/<lib>/testing/...` in tests). Relative imports are for files of the same library.',
  );

// "pure domain", libs/domain: plain TypeScript. No framework, no storage, no I/O: the deciders are
// functions of (state, command), replayable anywhere. `node:crypto` stays allowed (libs/domain does
// not use it today): a hash or a random id is computed, it touches no file, socket or process;
// keeping the deciders deterministic is their tests' job, not this fence's.
const DOMAIN_NO_FRAMEWORK = [
  fence(
    'pure domain',
    String.raw`^@nestjs/`,
    'libs/domain does not use Nest. Wire it in apps/api or in an adapting library (@kb/event-sourcing).',
  ),
  fence(
    'pure domain',
    String.raw`^(?:typeorm|better-sqlite3|pg|rxjs)(?:/|$)|^@eventstore/`,
    'libs/domain has no storage and no streams library: persistence belongs to @kb/event-store and @kb/read-models, the write-side engine to @kb/event-sourcing.',
  ),
];
const DOMAIN_NO_IO = fence(
  'pure domain',
  String.raw`^(?:node:)?(?:fs|net|http|https|http2|child_process|worker_threads|dgram|dns|tls)(?:/|$)`,
  'libs/domain does no I/O (files, network, processes, threads). Do it in an adapter (a library or apps/api) and hand the domain plain values.',
);

// "examples use packages only", docs/examples: the code docs/integrations.md shows is what users copy
// into their own projects, so it imports published packages and Node's modules, never this repository.
const EXAMPLES_USE_PACKAGES_ONLY = [
  fence(
    'examples use packages only',
    String.raw`^@kb(?:/|$)`,
    'docs/examples are copied into other projects: use published packages (graphql-ws, ws, standardwebhooks, @eventstore/db-client, node:*), never `@kb/*`.',
  ),
  fence(
    'examples use packages only',
    String.raw`^(?:\.{1,2}(?:/|$)|(?:apps|libs|docs|tools|bench|scripts)(?:/|$))`,
    'docs/examples are copied into other projects: each file stands alone and imports packages only, no file of this repository (copy what it needs into it).',
  ),
];

// "the page talks to the API only", apps/dashboard/src: a browser bundle, built by esbuild; it knows
// the service through the GraphQL schema (typed documents in src/gql) and nothing of its code.
const DASHBOARD_USES_THE_API_ONLY = [
  fence(
    'the page talks to the API only',
    String.raw`^@kb(?:/|$)|^(?:\./)?(?:\.\./)+(?:api|projector|libs)/|^(?:apps|libs)(?:/|$)`,
    "apps/dashboard runs in the browser and uses the public API only: write a GraphQL document (`graphql(...)` from ./gql, then `npm run dashboard:codegen`) instead of importing the service's code.",
  ),
];

/** The fences of every file of `library`. */
const libraryFences = (library) => [
  PUBLIC_ENTRIES_ONLY,
  NO_APPS_FROM_LIBRARIES,
  noRelativePathInto(LIBRARIES.filter((other) => other !== library)),
];
const restrictImports = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.flat(Infinity) }],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'apps/dashboard/src/gql/**',
      'coverage/**',
      'data/**',
      '**/*.js',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      // An async method that validates and throws turns the throw into a rejection: keep them.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },

  // Layer fences. Apps, bench and tools: libraries through their public entries.
  { files: ['**/*.ts'], rules: restrictImports(PUBLIC_ENTRIES_ONLY) },
  // Each library: the same, plus no apps and no relative path into a sibling library.
  ...LIBRARIES.map((library) => ({
    files: [`libs/${library}/**/*.ts`],
    rules: restrictImports(libraryFences(library)),
  })),
  // The domain, on top: no framework, no storage, no I/O.
  {
    files: ['libs/domain/**/*.ts'],
    rules: restrictImports(libraryFences('domain'), DOMAIN_NO_FRAMEWORK, DOMAIN_NO_IO),
  },
  // The dashboard: packages and its own files only.
  {
    files: ['apps/dashboard/src/**/*.ts', 'apps/dashboard/src/**/*.tsx'],
    rules: restrictImports(PUBLIC_ENTRIES_ONLY, DASHBOARD_USES_THE_API_ONLY),
  },
  // The examples that docs/integrations.md shows: packages only.
  { files: ['docs/examples/**/*.ts'], rules: restrictImports(EXAMPLES_USE_PACKAGES_ONLY) },
  // The domain's tests may read files (event-catalogue-doc.spec.ts checks docs/events.md against the
  // catalogues): what the domain ships does no I/O; its tests still use no framework and no storage.
  {
    files: ['libs/domain/**/*.spec.ts', 'libs/domain/**/*.int-spec.ts'],
    rules: restrictImports(libraryFences('domain'), DOMAIN_NO_FRAMEWORK),
  },
);
