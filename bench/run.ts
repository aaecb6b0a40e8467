import { benchCatalog } from './catalog.bench.js';
import { benchCli } from './cli.bench.js';
import { benchDashboard } from './dashboard.bench.js';
import { benchEventStore } from './eventstore.bench.js';
import { benchGpuSlots } from './gpu-slots.bench.js';
import { benchHistory } from './history.bench.js';
import { benchOrchestration } from './orchestration.bench.js';
import { benchSftp } from './sftp.bench.js';
import { benchSmartBatching } from './smart-batching.bench.js';

const BENCHES: Record<string, () => Promise<unknown>> = {
  eventStore: benchEventStore,
  catalogQueries: benchCatalog,
  sftpUpload: benchSftp,
  jobOrchestration: benchOrchestration,
  smartBatching: benchSmartBatching,
  history: benchHistory,
  cli: benchCli,
  dashboard: benchDashboard,
  gpuSlots: benchGpuSlots,
};

// Benchmarks are measurements, not tests: each figure stands beside its raw ceiling from the same run.
// `npm run bench -- history smartBatching` runs only those; no names runs them all.
void (async () => {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown bench ${unknown.join(', ')}; there are: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  const report: Record<string, unknown> = { machine: { node: process.version, platform: `${process.platform}-${process.arch}` } };
  for (const name of asked.length > 0 ? asked : Object.keys(BENCHES)) report[name] = await BENCHES[name]!();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
})();
