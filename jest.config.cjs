// Nest 12 packages are ESM-only and jest on Node 20 cannot require(esm), so jest runs in ESM mode
// (see ../shared/reference/stack.md). Type checking is a separate step (`npm run typecheck`).
const tier = (displayName, testRegex, extra = {}) => ({
  displayName,
  testRegex,
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.spec.json' }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  ...extra,
});

// Integration and e2e hooks start SSH servers and whole processes, and e2e tests wait for jobs,
// on a loaded 2-core CI machine: jest's 5 s default cut them off mid-boot or mid-stop.
const timeoutOf = (tierTimeoutMs) => ({
  globals: { tierTimeoutMs },
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/tier-timeout.setup.ts'],
});

module.exports = {
  projects: [
    tier('unit', '(apps|libs)/.*\\.spec\\.ts$'),
    tier('integration', '(apps|libs)/.*\\.int-spec\\.ts$', timeoutOf(15_000)),
    tier('e2e', 'test/.*\\.e2e-spec\\.ts$', timeoutOf(30_000)),
    // Headless Chromium against a real Cosmos process (libs/testing/src/browser.harness.ts).
    tier('browser', 'test/.*\\.browser-spec\\.ts$', timeoutOf(60_000)),
    // The dashboard's components in jsdom: React renders them, the tests click and type.
    tier('component', 'apps/web/.*\\.spec\\.tsx$', {
      moduleFileExtensions: ['js', 'json', 'ts', 'tsx'],
      extensionsToTreatAsEsm: ['.ts', '.tsx'],
      transform: { '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'apps/web/tsconfig.spec.json' }] },
      testEnvironment: 'jsdom',
    }),
  ],
  // A suite whose set-up failed can leave a server listening; the run must still end (it reports
  // the failure either way) rather than hold CI until its deadline.
  forceExit: true,
};
