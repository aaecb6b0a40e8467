/**
 * The package edges `npm test` holds (docs/decisions.md §25, §27, §30): only apps/server composes
 * the roles; the roles are peers; libraries never reach into apps; the domain and the configuration
 * are leaves; the dashboard is a browser client of the schema alone; a library is used only
 * through its index.ts faces; and no module is part of an import circle, type-only imports included.
 */
module.exports = {
  forbidden: [
    { name: 'libs-never-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    { name: 'api-never-imports-worker', severity: 'error', from: { path: '^apps/api/' }, to: { path: '^apps/worker/' } },
    { name: 'worker-never-imports-api', severity: 'error', from: { path: '^apps/worker/' }, to: { path: '^apps/api/' } },
    {
      name: 'domain-is-pure',
      comment: 'Deciders and rules: no other library, no Nest, no I/O.',
      severity: 'error',
      from: { path: '^libs/domain/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(libs|apps)/', pathNot: '^libs/domain/' },
    },
    {
      name: 'config-is-a-leaf',
      comment: 'Every library may read configuration; configuration reads none of them.',
      severity: 'error',
      from: { path: '^libs/config/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(libs|apps)/', pathNot: '^libs/config/' },
    },
    {
      name: 'libraries-through-their-faces',
      comment:
        "Another library, an app, a test or a bench uses a library through an index.ts: its src/index.ts, or the index of an optional part (an adapter to an external server, test fixtures) that not every user should load.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', '/index\\.ts$'] },
    },
    {
      name: 'apps-use-library-faces',
      comment: 'The same rule for everything outside libs/.',
      severity: 'error',
      from: { pathNot: '^libs/' },
      to: { path: '^libs/', pathNot: '/index\\.ts$' },
    },
    {
      name: 'cli-is-a-client',
      comment: 'The cosmos CLI talks to the service over GraphQL; it never reaches into the stores or the roles (prepare does local media work with libs/media).',
      severity: 'error',
      from: { path: '^apps/cli/' },
      to: { path: '^(apps/(api|worker|server)|libs/(eventstore|read-models|gpu|gpu-sim|auth|config))/' },
    },
    {
      name: 'web-is-a-browser-client',
      comment: 'The dashboard runs in the browser and knows the service only by schema.gql (its generated types): no server code, no Node built-ins.',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^(apps|libs)/', pathNot: '^apps/web/' },
    },
    { name: 'web-has-no-node-built-ins', severity: 'error', from: { path: '^apps/web/src/' }, to: { dependencyTypes: ['core'] } },
    { name: 'no-import-circles', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
