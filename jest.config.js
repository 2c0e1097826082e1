/**
 * Three tiers, as in docs/architecture.md: `*.spec.ts` unit tests (pure, fast), `*.int-spec.ts`
 * against real SQLite / PostgreSQL / the EventStoreDB adapter over real gRPC, and
 * `*.e2e-spec.ts` through HTTP and WebSocket. `npm test` runs all of them.
 */
const moduleNameMapper = {
  '^@kb/event-store$': '<rootDir>/libs/event-store/src',
  '^@kb/event-store/(.*)$': '<rootDir>/libs/event-store/src/$1',
  '^@kb/domain$': '<rootDir>/libs/domain/src',
  '^@kb/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
  '^@kb/read-models$': '<rootDir>/libs/read-models/src',
  '^@kb/read-models/(.*)$': '<rootDir>/libs/read-models/src/$1',
  '^@kb/event-sourcing$': '<rootDir>/libs/event-sourcing/src',
  '^@kb/event-sourcing/(.*)$': '<rootDir>/libs/event-sourcing/src/$1',
};
/** Dependencies that ship ES modules only: Node 20 loads them for the service, Jest needs them compiled. */
const ESM_ONLY_PACKAGES = ['@nestjs/terminus'];
const base = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
    // Packages published only as ES modules, compiled to CommonJS for Jest (see the transform).
    [`/node_modules/(${ESM_ONLY_PACKAGES.join('|')})/.+\\.js$`]:
      '<rootDir>/tools/jest/esm-package-transform.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'], slowTestThreshold: 30 },
  ],
};
