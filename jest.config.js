// Two projects: `unit` (pure logic, *.spec.ts beside the code, no I/O) and
// `integration` (test/**/*.int-spec.ts, real Kafka, Redis and Postgres; started by scripts/test.sh).
const moduleNameMapper = {
  '^@app/(bus|contracts|database|enrichment|features|model|net|platform|testing)(|/.*)$': '<rootDir>/libs/$1/src$2',
};
// content-disposition 3 (under @fastify/static, which serves /docs on ingest's Fastify server) is ES
// modules only: Node requires it, jest's CommonJS loader needs it compiled first.
const ESM_ONLY = 'content-disposition';
const transform = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
  [`/node_modules/${ESM_ONLY}/.+\\.js$`]: ['ts-jest', { isolatedModules: true, tsconfig: { allowJs: true, module: 'commonjs' } }],
};
const transformIgnorePatterns = [`^(?!.*/node_modules/${ESM_ONLY}/).*/node_modules/`];
const common = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/test/jest/node-environment.js',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
  transformIgnorePatterns,
};

module.exports = {
  // Integration cases wait on real brokers; unit cases finish in milliseconds either way.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.int-spec.ts'] },
  ],
};
