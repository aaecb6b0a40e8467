import { benchCatalog } from './catalog.bench.js';
import { benchEventStore } from './eventstore.bench.js';
import { benchOrchestration } from './orchestration.bench.js';
import { benchSftp } from './sftp.bench.js';
import { benchSmartBatching } from './smart-batching.bench.js';

// Benchmarks are measurements, not tests: each figure stands beside its raw ceiling from the same run.
void (async () => {
  const report = {
    machine: { node: process.version, platform: `${process.platform}-${process.arch}` },
    eventStore: await benchEventStore(),
    catalogQueries: await benchCatalog(),
    sftpUpload: await benchSftp(),
    jobOrchestration: await benchOrchestration(),
    smartBatching: await benchSmartBatching(),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
})();
