import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt } from '../apps/server/testing/job-flows.js';
import { resolveMediaBinaries } from '../libs/media/src/index.js';
import { eventually } from '../libs/testing/src/index.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

/** The built binary (`npm run build:cli`, which `npm test` and `npm ci` run). */
const CLI = join(process.cwd(), 'dist', 'apps', 'cli', 'src', 'main.js');
const CALL_TIMEOUT_MS = 30_000;

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cosmos` as a user would, no terminal attached (stdin closed, output piped). */
function cosmos(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CALL_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `cosmos` in a pseudo-terminal (util-linux `script`), as a person would: `answer` is typed
 * once the screen shows `awaiting`. Answers what the screen showed, escape codes stripped.
 */
function inTerminal(args: readonly string[], typed?: { awaiting: string; answer: string }, colour = false): Promise<{ code: number | null; screen: string; raw: string }> {
  const line = [process.execPath, CLI, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const { NO_COLOR: _, ...inherited } = process.env;
    const env = colour ? { ...inherited, TERM: 'xterm', COLUMNS: '120' } : { ...process.env, NO_COLOR: '1', COLUMNS: '120' };
    const child = spawn('script', ['-qefc', line, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let answered = false;
    child.stdout.on('data', (chunk) => {
      screen += chunk;
      if (typed && !answered && screen.includes(typed.awaiting)) {
        answered = true;
        child.stdin.write(`${typed.answer}\r`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CALL_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex
      resolve({ code, raw: screen, screen: screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') });
    });
  });
}

/** `count` PNG frames of each modality, made by the ffmpeg the service uses. */
async function pngFrames(folder: string, modalities: readonly string[], count: number): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const { ffmpeg } = resolveMediaBinaries();
  for (const modality of modalities) {
    await new Promise<void>((resolve, reject) => {
      const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=24', '-frames:v', String(count), join(folder, `${modality}.%04d.png`)];
      const child = spawn(ffmpeg, args, { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
    });
  }
}

/** A loopback port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const ndjson = (text: string): Record<string, any>[] => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('the cosmos CLI, as a subprocess against the running service', () => {
  let gpu: TestGpuNode;
  let service: CosmosHarness;
  let url: string[];
  let promptId: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build:cli\``);
    gpu = await startTestGpuNode('gpu-cli', { durationMs: 200 });
    service = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\npoll_interval_ms = 200\n` });
    url = ['--url', service.baseUrl];
    promptId = await createTestPrompt(service, 'a lighthouse at dusk', 'lighthouse');
  });

  afterAll(async () => {
    await service?.stop();
    await gpu?.stop();
  });

  it('shows help with an example and the exit codes, and refuses bad usage with exit 2', async () => {
    const help = await cosmos(['inference', '--help']);
    expect({ code: help.code, example: help.stdout.includes('$ cosmos inference ps_a ps_b --weights') }).toEqual({ code: 0, example: true });
    expect((await cosmos(['--help'])).stdout).toContain('5 service unreachable or unauthorised');
    const version = await cosmos(['--version']);
    expect({ code: version.code, version: version.stdout.trim() }).toEqual({ code: 0, version: JSON.parse(readFileSync('package.json', 'utf8')).version });
    expect((await cosmos(['list', 'runs', '--bogus'])).code).toBe(2);
    const limit = await cosmos([...url, 'list', 'runs', '--limit', '0']);
    expect({ code: limit.code, stderr: limit.stderr.trim() }).toEqual({ code: 2, stderr: 'error: --limit must be a whole number from 1 to 200 (got "0")' });
  });

  it('says a service that does not answer is unreachable: exit 5', async () => {
    const port = await freePort();
    const ran = await cosmos(['--url', `http://127.0.0.1:${port}`, '--timeout', '2000', 'list', 'prompts']);
    expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 5, stdout: '' });
    expect(ran.stderr).toContain(`cannot reach the service at http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('creates a prompt from hostile text exactly as given, and prints each refused field with exit 2', async () => {
    const text = 'a "quoted" harbour; $(touch /tmp/pwned) `uname`\nsecond line';
    const created = await cosmos([...url, 'create', 'prompt', text, 'lighthouse', '--name', 'hostile_one']);
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    const shown = await cosmos([...url, 'show', id, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, name: 'hostile_one', text, inputs: { videoDir: 'lighthouse' } });

    const refused = await cosmos([...url, 'create', 'prompt', ' ', '../etc']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe('error: the input was refused');
    expect(refused.stderr).toMatch(/^ {2}input\.text: /m);
    expect(refused.stderr).toMatch(/^ {2}input\.videoDir: /m);
  });

  it('lists and searches prompts as NDJSON, and tells a missing id (exit 3) from a malformed one (exit 2)', async () => {
    const listed = ndjson((await cosmos([...url, 'list', 'prompts', '--json'])).stdout);
    expect(listed.map((prompt) => prompt.id)).toContain(promptId);
    expect(Object.keys(listed[0]!).sort()).toEqual(['createdAt', 'enhanced', 'id', 'modelType', 'name', 'statistics', 'text']);
    const found = ndjson((await cosmos([...url, 'search', 'lighthouse', '--json'])).stdout);
    expect(found.find((prompt) => prompt.id === promptId)).toMatchObject({ matches: expect.arrayContaining([{ field: 'text', start: 2, end: 12 }]) });
    const table = await cosmos([...url, 'search', 'lighthouse']);
    expect(table.stdout).toContain('a lighthouse at dusk');
    expect((await cosmos([...url, 'show', 'ps_00000000000000000000000000000000'])).code).toBe(3);
    expect((await cosmos([...url, 'show', 'lighthouse'])).code).toBe(2);
    expect((await cosmos([...url, 'show', '../../etc/passwd'])).code).toBe(2);
    expect((await cosmos([...url, 'search', ' '])).code).toBe(2);
    const hostile = await cosmos([...url, 'search', '$(touch /tmp/cosmos-canary) "\'\n', '--json']);
    expect({ code: hostile.code, stdout: hostile.stdout }).toEqual({ code: 0, stdout: '' });
    expect((await cosmos([...url, 'logs', 'rs_../../etc'])).code).toBe(3);
  });

  it('previews the exact spec with --dry-run and queues nothing', async () => {
    const before = ndjson((await cosmos([...url, 'list', 'runs', '--json'])).stdout).length;
    const dry = await cosmos([...url, 'inference', promptId, '--dry-run', '--steps', '12', '--json']);
    expect(dry.code).toBe(0);
    const answer = JSON.parse(dry.stdout);
    expect(JSON.parse(answer.specs[0].content)).toMatchObject({ prompt: 'a lighthouse at dusk', num_steps: 12 });
    expect(ndjson((await cosmos([...url, 'list', 'runs', '--json'])).stdout)).toHaveLength(before);
  });

  it('asks for GPUs with --gpus: the command runs one process per GPU; a count the model is not run with is refused before the call', async () => {
    const { command } = JSON.parse((await cosmos([...url, 'inference', promptId, '--gpus', '2', '--dry-run', '--json'])).stdout) as { command: string[] };
    expect(command[command.indexOf('--nproc_per_node') + 1]).toBe('2');
    const refused = await cosmos([...url, 'inference', promptId, '--gpus', '3']);
    expect({ code: refused.code, stderr: refused.stderr.trim() }).toEqual({ code: 2, stderr: expect.stringContaining('--gpus must be one of 1, 2, 4, 8 (got "3")') });
  });

  it("gives one job a negative prompt of its own: in the spec, in the job's JobQueued, not in the prompt", async () => {
    const dry = JSON.parse((await cosmos([...url, 'inference', promptId, '--negative', 'blurry, "low" quality', '--dry-run', '--json'])).stdout);
    expect(JSON.parse(dry.specs[0].content)).toMatchObject({ negative_prompt: 'blurry, "low" quality' });
    const ran = await cosmos([...url, 'inference', promptId, '--negative', 'blurry, "low" quality', '--wait']);
    expect(ran.code).toBe(0);
    const jobId = ran.stdout.split('\n')[0]!;
    const [queued] = ndjson((await cosmos([...url, 'events', '--stream', `job-${jobId}`, '--type', 'JobQueued', '--json'])).stdout);
    expect(queued!.data.prompts[promptId].negativePrompt).toBe('blurry, "low" quality');
    expect(JSON.parse((await cosmos([...url, 'show', promptId, '--json'])).stdout).negativePrompt).not.toBe('blurry, "low" quality');
    const refused = await cosmos([...url, 'inference', promptId, '--negative', '\u0007']);
    expect({ code: refused.code, field: refused.stderr.split('\n')[1] }).toEqual({ code: 2, field: expect.stringMatching(/^ {2}input\.negativePrompt: /) });
  }, 60_000);

  it('runs inference with --wait to completion, then lists, shows and rates the run', async () => {
    const ran = await cosmos([...url, 'inference', promptId, '--wait', '--seed', '7']);
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
    const [jobLine, runLine] = ran.stdout.trim().split('\n');
    expect(jobLine).toMatch(/^job_[0-9a-f]{16}$/);
    const runId = runLine!.split(' ')[0]!;
    expect(runLine).toMatch(/^rs_[0-9a-f]{32} completed \(/);

    const runs = ndjson((await cosmos([...url, 'list', 'runs', '--status', 'completed', '--prompt', promptId, '--json'])).stdout);
    expect(runs.map((run) => run.id)).toContain(runId);
    const shown = JSON.parse((await cosmos([...url, 'show', runId, '--json'])).stdout);
    expect(shown).toMatchObject({ id: runId, status: 'completed', node: 'gpu-cli', config: expect.objectContaining({ seed: 7 }) });
    expect(shown.logTail.length).toBeGreaterThan(0);
    expect((await cosmos([...url, 'rate', runId, '4'])).stdout.trim()).toBe(`${runId} ★★★★`);
    expect((await cosmos([...url, 'rate', runId, '9'])).code).toBe(2);
    expect(ndjson((await cosmos([...url, 'list', 'runs', '--rating', '4+', '--json'])).stdout).map((run) => run.id)).toEqual([runId]);
  }, 60_000);

  it('upscales a completed run (dry run: the exact spec) and enhances a prompt with --wait into a linked one', async () => {
    const runId = ndjson((await cosmos([...url, 'list', 'runs', '--status', 'completed', '--json'])).stdout)[0]!.id as string;
    const dry = JSON.parse((await cosmos([...url, 'upscale', runId, '--weight', '0.7', '--dry-run', '--json'])).stdout);
    expect(JSON.parse(dry.specs[0].content)).toMatchObject({ upscale: { control_weight: 0.7 } });
    expect((await cosmos([...url, 'upscale', '--video', 'lighthouse/color.mp4'])).code).toBe(2);
    const enhanced = await cosmos([...url, 'prompt-enhance', promptId, '--wait']);
    expect({ code: enhanced.code, line: enhanced.stdout.trim().split('\n').at(-1) }).toEqual({ code: 0, line: expect.stringMatching(/^rs_[0-9a-f]{32} completed/) });
    const prompts = ndjson((await cosmos([...url, 'list', 'prompts', '--enhanced', '--json'])).stdout);
    expect(prompts.some((prompt) => prompt.name.endsWith('_enhanced'))).toBe(true);
    expect((await cosmos([...url, 'prompt-enhance', promptId, '--force'])).code).toBe(2);
  }, 60_000);

  it('waits to a failure: exit 1, the run and its typed reason on stdout and stderr', async () => {
    gpu.behaviour.outcome = { kind: 'fail', exitCode: 1, message: 'torch.OutOfMemoryError: CUDA out of memory' };
    try {
      const ran = await cosmos([...url, 'inference', promptId, '--wait']);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toMatch(/^rs_[0-9a-f]{32} failed OOM_KILLED: /m);
      expect(ran.stderr).toMatch(/^error: 1 of 1 run\(s\) did not complete: rs_[0-9a-f]{32} OOM_KILLED$/m);
    } finally {
      gpu.behaviour.outcome = { kind: 'succeed' };
    }
  }, 60_000);

  it('drives the queue: pause, list with the job waiting, priority, cancel, retry, resume; a second pause is a conflict (exit 4)', async () => {
    expect((await cosmos([...url, 'queue', 'pause', '--reason', 'cli test'])).stdout.trim()).toBe('queue paused');
    expect((await cosmos([...url, 'queue', 'pause'])).code).toBe(4);
    const jobId = (await cosmos([...url, 'inference', promptId])).stdout.trim();
    const queue = JSON.parse((await cosmos([...url, 'queue', '--json'])).stdout);
    expect({ paused: queue.paused, ids: queue.items.map((item: any) => item.job.id) }).toEqual({ paused: true, ids: [jobId] });
    expect((await cosmos([...url, 'queue', 'priority', jobId, '90'])).stdout.trim()).toBe(`${jobId} priority 90`);
    expect((await cosmos([...url, 'queue', 'cancel', jobId, '--reason', 'not now'])).stdout.trim()).toBe(`${jobId} cancelled`);
    // Cancelling again is the same request: it answers the cancelled job.
    expect((await cosmos([...url, 'queue', 'cancel', jobId])).code).toBe(0);
    const retried = (await cosmos([...url, 'queue', 'retry', jobId])).stdout.trim();
    expect(retried).toMatch(/^job_[0-9a-f]{16}$/);
    expect((await cosmos([...url, 'queue', 'cancel', retried])).code).toBe(0);
    expect((await cosmos([...url, 'queue', 'resume'])).stdout.trim()).toBe('queue resumed');
    expect((await cosmos([...url, 'queue', 'resume'])).code).toBe(4);
    expect((await cosmos([...url, 'queue', 'priority', 'job_0000000000000000', '5'])).code).toBe(3);
  });

  it('previews smart batching, refuses a stale plan (exit 4) and applies the current one', async () => {
    await cosmos([...url, 'queue', 'pause']);
    try {
      const first = (await cosmos([...url, 'inference', promptId, '--seed', '11'])).stdout.trim();
      const second = (await cosmos([...url, 'inference', promptId, '--seed', '11'])).stdout.trim();
      const plan = JSON.parse((await cosmos([...url, 'queue', 'plan', '--json'])).stdout);
      expect(plan.batches.map((batch: any) => batch.jobs.map((job: any) => job.id).sort())).toEqual([[first, second].sort()]);
      const third = (await cosmos([...url, 'inference', promptId, '--seed', '11'])).stdout.trim();
      const stale = await cosmos([...url, 'queue', 'apply', '--basis', plan.basis]);
      expect({ code: stale.code, stderr: stale.stderr }).toEqual({ code: 4, stderr: expect.stringContaining('error: ') });
      const applied = JSON.parse((await cosmos([...url, 'queue', 'apply', '--json'])).stdout);
      expect(applied.batches.map((batch: any) => batch.mergedJobIds.sort())).toEqual([[first, second, third].sort()]);
      const queue = JSON.parse((await cosmos([...url, 'queue', '--json'])).stdout);
      expect(queue.items.map((item: any) => [item.job.id, item.job.kind])).toEqual([[applied.batches[0].batchJobId, 'batch_inference']]);
      await cosmos([...url, 'queue', 'cancel', applied.batches[0].batchJobId]);
    } finally {
      await cosmos([...url, 'queue', 'resume']);
    }
  });

  it('refuses a deletion without a terminal unless forced, then deletes with --force', async () => {
    const doomed = await createTestPrompt(service, 'a prompt to delete', 'lighthouse');
    const refused = await cosmos([...url, 'delete', 'prompt', doomed]);
    expect({ code: refused.code, stderr: refused.stderr.trim() }).toEqual({ code: 2, stderr: 'error: refused: this needs --force when no one is at a terminal to type "delete"' });
    expect((await cosmos([...url, 'show', doomed])).code).toBe(0);
    const deleted = await cosmos([...url, 'delete', 'prompt', doomed, '--force', '--json']);
    expect({ code: deleted.code, answer: JSON.parse(deleted.stdout) }).toEqual({ code: 0, answer: expect.objectContaining({ promptId: doomed, runIds: [] }) });
    expect((await cosmos([...url, 'show', doomed])).code).toBe(3);
  });

  it('reports status, nodes and a clean integrity check', async () => {
    const status = JSON.parse((await cosmos([...url, 'status', '--json'])).stdout);
    expect(status.gpuNodes.map((node: any) => [node.name, node.reachable])).toEqual([['gpu-cli', true]]);
    expect(ndjson((await cosmos([...url, 'nodes', '--json'])).stdout)).toHaveLength(1);
    const verify = await cosmos([...url, 'verify']);
    expect({ code: verify.code, line: verify.stdout.split('\n')[0] }).toEqual({ code: 0, line: expect.stringMatching(/^checked \d+ prompt\(s\) and \d+ run\(s\): 0 issue\(s\)$/) });
  });

  it("reads and follows a run's log, filtered, as text, NDJSON or CSV", async () => {
    const jobId = (await cosmos([...url, 'inference', promptId])).stdout.trim();
    const job = JSON.parse((await cosmos([...url, 'show', jobId, '--json'])).stdout);
    const followed = await cosmos([...url, 'logs', job.runIds[0], '-f']);
    expect({ code: followed.code, saved: followed.stdout.includes('Saved video to') }).toEqual({ code: 0, saved: true });
    const stored = await cosmos([...url, 'logs', job.runIds[0], '--grep', 'Saved video', '--json']);
    expect(ndjson(stored.stdout)).toEqual([{ runId: job.runIds[0], line: expect.any(Number), text: expect.stringContaining('Saved video to') }]);
    const csv = (await cosmos([...url, 'logs', job.runIds[0], '--regex', 'Saved (video|prompt)', '--format', 'csv'])).stdout.trim().split('\n');
    expect({ header: csv[0], rows: csv.length }).toEqual({ header: 'run_id,line,text', rows: 3 });
    expect((await cosmos([...url, 'logs', job.runIds[0], '--level', 'error'])).stdout).toBe('');
    expect((await cosmos([...url, 'logs', job.runIds[0], '--regex', '('])).code).toBe(2);
  }, 60_000);

  it("reads a job's history from the event log, the projections, and a completion script bash accepts", async () => {
    const jobId = (await cosmos([...url, 'inference', promptId, '--wait'])).stdout.split('\n')[0]!;
    const history = ndjson((await cosmos([...url, 'events', '--stream', `job-${jobId}`, '--json'])).stdout);
    expect(history.map((event) => event.type)).toEqual(expect.arrayContaining(['JobQueued', 'JobClaimed', 'JobSucceeded']));
    expect(history[0]).toMatchObject({ stream: `job-${jobId}`, type: 'JobQueued', metadata: { actor: expect.stringMatching(/^cli:/) } });
    const exported = ndjson((await cosmos([...url, 'events', 'export', '--category', 'job'])).stdout);
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.every((event) => event.stream.startsWith('job-'))).toBe(true);
    expect(exported.find((event) => event.stream === `job-${jobId}` && event.type === 'JobSucceeded')).toBeDefined();
    const file = join(service.dataDir, 'jobs.ndjson.gz');
    expect((await cosmos([...url, 'events', 'export', '--category', 'job', '-o', file])).code).toBe(0);
    expect(ndjson(gunzipSync(readFileSync(file)).toString('utf8')).length).toBe(exported.length);
    // The exported log imports into a store of its own, and copies on from there, filtered.
    const all = join(service.dataDir, 'all.ndjson');
    expect((await cosmos([...url, 'events', 'export', '-o', all])).code).toBe(0);
    const lines = ndjson(readFileSync(all, 'utf8')).length;
    const restored = join(service.dataDir, 'restored.db');
    const imported = await cosmos(['events', 'import', all, '--to', restored]);
    expect({ code: imported.code, last: imported.stderr.trim().split('\n').at(-1) }).toEqual({ code: 0, last: expect.stringMatching(new RegExp(`^imported ${lines.toLocaleString('en')} events, ${lines.toLocaleString('en')} written`)) });
    expect((await cosmos(['events', 'import', all, '--to', restored])).code).toBe(1);
    const copied = await cosmos(['events', 'copy', '--from', restored, '--to', join(service.dataDir, 'jobs.db'), '--category', 'job']);
    expect({ code: copied.code, last: copied.stderr.trim().split('\n').at(-1) }).toEqual({ code: 0, last: expect.stringMatching(new RegExp(`^copied ${exported.length} events of ${exported.length} \\(100\\.0%\\)`)) });
    expect((await cosmos(['events', 'copy', '--from', restored, '--to', join(service.dataDir, 'x.db'), '--type', 'NoSuchEvent'])).code).toBe(2);
    expect((await cosmos(['events', 'import', all])).code).toBe(2);
    const projections = ndjson((await cosmos([...url, 'projections', '--json'])).stdout);
    expect(projections.map((projection) => projection.name)).toEqual(expect.arrayContaining(['prompts', 'runs', 'jobs', 'queue']));
    const script = await cosmos(['completion', 'bash']);
    const checked = await new Promise<number | null>((resolve) => {
      const bash = spawn('bash', ['-n'], { stdio: ['pipe', 'ignore', 'ignore'] });
      bash.on('close', resolve);
      bash.stdin.end(script.stdout);
    });
    expect({ checked, queueWords: script.stdout.includes('"queue") words="ls pause resume cancel clear retry priority plan apply') }).toEqual({ checked: 0, queueWords: true });
    expect((await cosmos(['completion', 'tcsh'])).code).toBe(2);
    // Completing create prompt's video folder lists the folders under the inputs root.
    const completed = await new Promise<string>((resolve) => {
      const words = 'COMP_WORDS=(cosmos create prompt "a text" light); COMP_CWORD=4; _cosmos; echo "${COMPREPLY[@]}"';
      const bash = spawn('bash', ['-c', `eval "$(cat)"; ${words}`], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, COSMOS_INPUTS_ROOT: service.inputsRoot } });
      let out = '';
      bash.stdout.on('data', (chunk) => (out += chunk));
      bash.on('close', () => resolve(out.trim()));
      bash.stdin.end(script.stdout);
    });
    expect(completed).toBe('lighthouse');
  }, 60_000);

  it('follows the event log live until Ctrl-C (exit 130), streams a run with status --stream, and rebuilds a projection', async () => {
    const child = spawn(process.execPath, [CLI, ...url, 'events', '--type', 'QueuePaused', '--limit', '1', '--follow', '--json'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const before = ndjson(out).length;
      await cosmos([...url, 'queue', 'pause', '--reason', 'followed']);
      await eventually(() => expect(ndjson(out).length).toBe(before + 1), 10_000);
      expect(ndjson(out).at(-1)).toMatchObject({ type: 'QueuePaused', data: expect.objectContaining({ reason: 'followed' }) });
    } finally {
      child.kill('SIGINT');
      await cosmos([...url, 'queue', 'resume']);
    }
    expect(await exited).toBe(130);

    const runId = ndjson((await cosmos([...url, 'list', 'runs', '--status', 'completed', '--kind', 'inference', '--json'])).stdout)[0]!.id as string;
    const streamed = await cosmos([...url, 'status', '--stream', runId]);
    expect({ code: streamed.code, saved: streamed.stdout.includes('Saved video to') }).toEqual({ code: 0, saved: true });
    expect((await cosmos([...url, 'projections', 'rebuild', 'prompts'])).stdout.trim()).toBe('rebuilding prompts; follow it with `cosmos projections`');
    expect((await cosmos([...url, 'projections', 'rebuild', 'nonesuch'])).code).toBe(3);
  }, 60_000);

  it('the kill switch stops a running container once forced: its job fails KILLED', async () => {
    gpu.behaviour.outcome = { kind: 'hang' };
    try {
      const jobId = (await cosmos([...url, 'inference', promptId])).stdout.trim();
      await eventually(async () => expect(JSON.parse((await cosmos([...url, 'show', jobId, '--json'])).stdout).status).toBe('running'), 20_000);
      expect((await cosmos([...url, 'kill', '--node', 'gpu-cli'])).code).toBe(2);
      const killed = await cosmos([...url, 'kill', '--node', 'gpu-cli', '--force']);
      expect({ code: killed.code, line: killed.stdout.trim() }).toEqual({ code: 0, line: expect.stringMatching(new RegExp(`^gpu-cli killed cosmos_inference_${jobId}_a1$`)) });
      await eventually(async () => expect(JSON.parse((await cosmos([...url, 'show', jobId, '--json'])).stdout)).toMatchObject({ status: 'failed', failure: { reason: 'KILLED' } }), 20_000);
    } finally {
      gpu.behaviour.outcome = { kind: 'succeed' };
    }
  }, 60_000);

  it('prepares PNG sequences into an input folder a prompt can use, and names what is wrong with a bad one', async () => {
    const renders = join(service.dataDir, 'renders');
    await pngFrames(join(renders, 'good'), ['color', 'depth', 'segmentation'], 6);
    const inputsRoot = ['--inputs-root', service.inputsRoot];
    const dry = await cosmos(['prepare', join(renders, 'good'), ...inputsRoot, '--description', 'a harbour render', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ folder: join(service.inputsRoot, 'harbour_render'), frames: 6, width: 64, height: 48, dryRun: true });
    expect(existsSync(join(service.inputsRoot, 'harbour_render'))).toBe(false);
    const made = await cosmos(['prepare', join(renders, 'good'), ...inputsRoot, '--description', 'a harbour render']);
    expect({ code: made.code, folder: made.stdout.trim() }).toEqual({ code: 0, folder: join(service.inputsRoot, 'harbour_render') });
    expect(JSON.parse(readFileSync(join(service.inputsRoot, 'harbour_render', 'metadata.json'), 'utf8'))).toMatchObject({ frames: 6, fps: 24, modalities: ['color', 'depth', 'segmentation'] });
    const created = await cosmos([...url, 'create', 'prompt', 'a harbour from renders', 'harbour_render', '--json']);
    expect(JSON.parse(created.stdout)).toMatchObject({ inputs: { videoDir: 'harbour_render' } });
    expect((await cosmos(['prepare', join(renders, 'good'), ...inputsRoot, '--name', 'harbour_render'])).code).toBe(4);

    await pngFrames(join(renders, 'bad'), ['color', 'depth'], 5);
    rmSync(join(renders, 'bad', 'color.0003.png'));
    rmSync(join(renders, 'bad', 'depth.0002.png'));
    writeFileSync(join(renders, 'bad', 'notes.txt'), 'not a frame');
    writeFileSync(join(renders, 'bad', 'preview.png'), 'not a frame either');
    const refused = await cosmos(['prepare', join(renders, 'bad'), ...inputsRoot, '--name', 'bad_render']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n').slice(1).filter(Boolean)).toEqual([
      '  bad: not a PNG: notes.txt',
      '  bad: unexpected file preview.png: frames are named <color|depth|segmentation>.NNNN.png',
      '  bad: color is missing frame(s) 0003',
      '  bad: depth lacks frame(s) color has: 0002',
      '  bad: depth has frame(s) color has not: 0003',
    ]);
    expect(existsSync(join(service.inputsRoot, 'bad_render'))).toBe(false);
  }, 60_000);

  it('at a terminal, --wait draws a progress bar with the log under it and ends on the outcome', async () => {
    const { code, screen } = await inTerminal([...url, 'inference', promptId, '--wait']);
    expect(code).toBe(0);
    expect(screen).toMatch(/job_[0-9a-f]{16} \[[█░]+\] 100% succeeded/);
    expect(screen).toMatch(/^ {2}\S/m);
    expect(screen).toMatch(/^rs_[0-9a-f]{32} completed \(/m);
  }, 60_000);

  it('at a terminal, search marks each match in bold (and a pipe gets plain text)', async () => {
    const { code, raw } = await inTerminal([...url, 'search', 'lighthouse'], undefined, true);
    expect(code).toBe(0);
    expect(raw).toContain('a \x1b[1mlighthouse\x1b[22m at dusk');
    expect((await cosmos([...url, 'search', 'lighthouse'])).stdout).not.toContain('\x1b[');
  }, 30_000);

  it('at a terminal, delete --all shows its preview and asks for the word: a wrong word changes nothing, the right one deletes', async () => {
    const doomed = await createTestPrompt(service, 'another prompt to delete', 'lighthouse');
    const refused = await inTerminal([...url, 'delete', 'run', '--all'], { awaiting: 'Type "DELETE ALL"', answer: 'nope' });
    expect(refused.code).toBe(1);
    expect(refused.screen).toMatch(/^this deletes 0 prompt\(s\), \d+ run\(s\) and no files/m);
    expect(refused.screen).toContain('error: not confirmed: nothing was changed');
    const runsBefore = ndjson((await cosmos([...url, 'list', 'runs', '--json'])).stdout).length;
    expect(runsBefore).toBeGreaterThan(0);
    const deleted = await inTerminal([...url, 'delete', 'run', '--all'], { awaiting: 'Type "DELETE ALL"', answer: 'DELETE ALL' });
    expect(deleted.code).toBe(0);
    expect(deleted.screen).toContain(`deleted 0 prompt(s) and ${runsBefore} run(s)`);
    expect(ndjson((await cosmos([...url, 'list', 'runs', '--json'])).stdout)).toEqual([]);
    expect((await cosmos([...url, 'show', doomed])).code).toBe(0);
  }, 60_000);

});
