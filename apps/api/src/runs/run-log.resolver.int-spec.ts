import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CosmosConfig } from '../../../../libs/config/src/index.js';
import { ids, InvalidInput, RunNotFound } from '../../../../libs/domain/src/index.js';
import { openSqlite, type SqliteDatabase } from '../../../../libs/eventstore/src/index.js';
import { type RunDoc, runLogPath, runsProjection, SqliteDocumentStore } from '../../../../libs/read-models/src/index.js';
import { RunLogResolver } from './run-log.resolver.js';

describe('RunLogResolver', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteDocumentStore;
  let resolver: RunLogResolver;

  const putRun = (runId: string, status: RunDoc['status'], collection = runsProjection.collection) =>
    store.upsert(collection, { id: runId, status, logPath: runLogPath(runId) });
  const logFile = (runId: string) => {
    mkdirSync(join(dir, `run_${runId}`), { recursive: true });
    return join(dir, `run_${runId}`, 'execution.log');
  };
  const texts = async (lines: AsyncIterator<{ text: string }>, count: number) => {
    const found: string[] = [];
    while (found.length < count) {
      const result = await lines.next();
      if (result.done) throw new Error(`ended after ${JSON.stringify(found)}`);
      found.push(result.value.text);
    }
    return found;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-log-resolver-'));
    db = openSqlite(':memory:');
    store = new SqliteDocumentStore(db);
    resolver = new RunLogResolver(store, { paths: { outputsRoot: dir } } as CosmosConfig);
  });

  afterEach(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a run the read model does not know', async () => {
    await expect(resolver.runLog(ids.run())).rejects.toThrow(RunNotFound);
    expect(store.openWatches).toBe(0);
  });

  it('follows the log until the run finishes, then ends and closes its watch', async () => {
    const runId = ids.run();
    await putRun(runId, 'running');
    writeFileSync(logFile(runId), 'a\n');
    const lines = await resolver.runLog(runId);
    expect(await lines.next()).toEqual({ done: false, value: expect.objectContaining({ runId, lineNumber: 1, text: 'a', backlog: true }) });

    appendFileSync(logFile(runId), 'b\nc');
    await putRun(runId, 'failed');
    expect(await texts(lines, 2)).toEqual(['b', 'c']);
    expect(await lines.next()).toEqual({ done: true, value: undefined });
    expect(store.openWatches).toBe(0);
  });

  it('resumes after a line number: earlier lines are skipped, numbers stay those of the file', async () => {
    const runId = ids.run();
    await putRun(runId, 'completed');
    writeFileSync(logFile(runId), 'a\nb\nc\n');
    const lines = await resolver.runLog(runId, 2);
    expect(await lines.next()).toEqual({ done: false, value: expect.objectContaining({ lineNumber: 3, text: 'c', backlog: true }) });
    expect(await lines.next()).toEqual({ done: true, value: undefined });
    await expect(resolver.runLog(runId, -1)).rejects.toThrow(InvalidInput);
  });

  it('ends when the run is deleted', async () => {
    const runId = ids.run();
    await putRun(runId, 'pending');
    const lines = await resolver.runLog(runId);
    const ended = lines.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.delete(runsProjection.collection, runId);
    await expect(ended).resolves.toEqual({ done: true, value: undefined });
  });

  it('reads the run again after a rebuild switched the collection over', async () => {
    const runId = ids.run();
    await putRun(runId, 'running');
    const lines = await resolver.runLog(runId);
    const ended = lines.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await putRun(runId, 'completed', 'runs_rebuild');
    await store.replaceCollection(runsProjection.collection, 'runs_rebuild');
    await expect(ended).resolves.toEqual({ done: true, value: undefined });
  });

  it('lets go of its watch when the subscriber leaves while it waits', async () => {
    const runId = ids.run();
    await putRun(runId, 'running');
    writeFileSync(logFile(runId), 'a\n');
    const lines = await resolver.runLog(runId);
    await lines.next();
    const waiting = lines.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.openWatches).toBe(1);

    await lines.return!();
    expect(store.openWatches).toBe(0);
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });
});
