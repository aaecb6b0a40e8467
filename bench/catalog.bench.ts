import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../libs/eventstore/src/index.js';
import { DocumentCatalogQueries, type PromptDoc, type RunDoc, SqliteDocumentStore, type WriteOp } from '../libs/read-models/src/index.js';

const WORDS = ['city', 'rain', 'golden', 'hour', 'mist', 'forest', 'neon', 'harbor', 'desert', 'snow', 'lake', 'bridge', 'night', 'street'];
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'pending', 'running'] as const;
const NOW = new Date('2026-11-28T12:00:00.000Z');
const ITERATIONS = 30;

function promptDoc(i: number): PromptDoc & { _position: number; _revision: number } {
  const text = Array.from({ length: 12 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
  const createdAt = new Date(NOW.getTime() - i * 60_000).toISOString();
  const video = { path: `v${i}/color.mp4`, frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 5, codec: 'h264', sizeBytes: 1e6 };
  return {
    id: `ps_${i.toString(16).padStart(32, '0')}`,
    name: `prompt_${i}`,
    text,
    negativePrompt: 'blurry',
    modelType: 'transfer',
    inputs: { videoDir: `v${i}`, color: video, depth: null, segmentation: null },
    enhanced: i % 10 === 0,
    enhancedFrom: null,
    textReplacements: [],
    createdAt,
    createdBy: 'bench',
    updatedAt: createdAt,
    _position: i + 1,
    _revision: 1,
  };
}

function runDoc(i: number, prompts: number): RunDoc & { _position: number; _revision: number } {
  const status = STATUSES[i % STATUSES.length];
  const requestedAt = new Date(NOW.getTime() - i * 30_000).toISOString();
  const id = `rs_${i.toString(16).padStart(32, '0')}`;
  return {
    id,
    promptId: `ps_${(i % Math.max(1, Math.floor(prompts * 0.7))).toString(16).padStart(32, '0')}`,
    jobId: `job_${i.toString(16).padStart(16, '0')}`,
    kind: i % 20 === 0 ? 'upscale' : 'inference',
    modelType: 'transfer',
    status,
    config: { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, numSteps: 35 },
    sourceRunId: i % 20 === 0 ? `rs_${(i + 1).toString(16).padStart(32, '0')}` : null,
    sourceVideo: null,
    requestedAt,
    requestedBy: 'bench',
    startedAt: requestedAt,
    node: 'simulated',
    simulated: true,
    statusChangedAt: requestedAt,
    finishedAt: status === 'completed' || status === 'failed' ? requestedAt : null,
    durationSeconds: 120,
    outputs: [],
    outputsDeleted: false,
    deletedOutputPaths: [],
    enhancedText: null,
    failure: null,
    cancellation: null,
    rating: status === 'completed' && i % 3 === 0 ? (i % 5) + 1 : null,
    logPath: `run_${id}/execution.log`,
    _position: prompts + i + 1,
    _revision: 1,
  };
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return percentiles(samples);
}

async function benchAtSize(size: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-catalog-bench-'));
  try {
    const db = openSqlite(join(dir, 'catalog.db'));
    const seed = new SqliteDocumentStore(db);
    for (let start = 0; start < size; start += 5000) {
      const ops: WriteOp[] = [];
      for (let i = start; i < Math.min(size, start + 5000); i++) {
        ops.push({ kind: 'upsert', collection: 'prompts', doc: promptDoc(i) });
        ops.push({ kind: 'upsert', collection: 'runs', doc: runDoc(i, size) });
      }
      await seed.applyBatch(ops);
    }
    await seed.close();

    // A fresh store, as after a restart: the first query of each collection loads it into the cache.
    const documents = new SqliteDocumentStore(db);
    let started = process.hrtime.bigint();
    await documents.count('prompts');
    await documents.count('runs');
    const cacheLoadMs = Number(process.hrtime.bigint() - started) / 1e6;
    const catalog = new DocumentCatalogQueries(documents);
    const page = { first: 20 };

    const queries = {
      promptsNewestPage: await time(() => catalog.prompts({}, 'newest', page, NOW)),
      promptsTextSearch: await time(() => catalog.prompts({ text: 'golden hour' }, 'newest', page, NOW)),
      promptsEnhancedLast7Days: await time(() => catalog.prompts({ enhanced: false, createdWithin: 'last_7_days' }, 'newest', page, NOW)),
      promptsWithRuns: await time(() => catalog.prompts({ runs: 'some' }, 'newest', page, NOW)),
      runsNewestPage: await time(() => catalog.runs({}, 'newest', page, NOW)),
      runsCompletedRated4Plus: await time(() => catalog.runs({ statuses: ['completed'], rating: { atLeast: 4 } }, 'rating', page, NOW)),
      runsTextSearch: await time(() => catalog.runs({ text: 'neon' }, 'newest', page, NOW)),
      runsNotUpscaled: await time(() => catalog.runs({ upscaled: false, statuses: ['completed'] }, 'newest', page, NOW)),
    };

    // The ceilings: every document of both collections, straight from SQLite and from the cache.
    const rawSql = db.prepare('SELECT doc FROM documents WHERE collection = ?');
    const raw = {
      sqliteScanAndParseAllPrompts: await time(async () => rawSql.all('prompts').forEach((row) => JSON.parse((row as { doc: string }).doc))),
      sqliteScanAndParseAllRuns: await time(async () => rawSql.all('runs').forEach((row) => JSON.parse((row as { doc: string }).doc))),
      cacheFindAllRuns: await time(() => documents.find('runs')),
    };
    await documents.close();
    db.close();
    return { documentsPerCollection: size, cacheLoadMs: Number(cacheLoadMs.toFixed(1)), queriesMs: queries, rawMs: raw };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCatalog(sizes: readonly number[] = [10_000, 100_000]): Promise<Record<string, unknown>[]> {
  const reports = [];
  for (const size of sizes) reports.push(await benchAtSize(size));
  return reports;
}
