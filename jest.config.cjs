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

module.exports = {
  projects: [
    tier('unit', '(apps|libs)/.*\\.spec\\.ts$'),
    tier('integration', '(apps|libs)/.*\\.int-spec\\.ts$'),
    // E2E hooks boot and stop whole processes and tests wait for jobs on a loaded 2-core CI machine:
    // jest's 5 s default cut them off mid-boot, and a boot finishing after teardown aborted the run.
    tier('e2e', 'test/.*\\.e2e-spec\\.ts$', { testTimeout: 30_000 }),
  ],
};
