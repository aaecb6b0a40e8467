import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { millisecondsSince, round, spread } from './samples.js';

const ITERATIONS = 15;
/** The bound: a read command's whole process within this many bare Node start-ups. */
const GOAL_RATIO = 2.5;
const CLI = join(process.cwd(), 'dist', 'apps', 'cli', 'src', 'main.js');

/**
 * `cosmos list runs --json` and `cosmos show RUN` as whole processes (Node's start-up, loading the
 * CLI, the call to the service and printing), beside `node -e 0` in the same run, taken in turn so
 * a drift of the machine's speed hits all three alike.
 */
export async function benchCli(): Promise<Record<string, unknown>> {
  const cosmos = await CosmosHarness.start();
  try {
    const promptId = await createTestPrompt(cosmos, 'a harbor at golden hour', 'bench');
    const job = await waitForJob(cosmos, await requestInference(cosmos, { promptIds: [promptId] }), finished, 60_000);
    const runId = job.runs[0].id as string;
    const url = ['--url', cosmos.baseUrl];
    const commands = {
      bareNode: ['-e', '0'],
      listRunsJson: [CLI, ...url, 'list', 'runs', '--json'],
      showRun: [CLI, ...url, 'show', runId],
    };
    const samples: Record<keyof typeof commands, number[]> = { bareNode: [], listRunsJson: [], showRun: [] };
    for (let i = -1; i < ITERATIONS; i++) {
      for (const [name, args] of Object.entries(commands) as [keyof typeof commands, string[]][]) {
        const started = process.hrtime.bigint();
        await run(args);
        if (i >= 0) samples[name].push(millisecondsSince(started));
      }
    }
    const bare = spread(samples.bareNode).p50;
    const ratio = (name: keyof typeof commands) => round(spread(samples[name]).p50 / bare, 2);
    return {
      iterations: ITERATIONS,
      ms: { bareNode: spread(samples.bareNode), listRunsJson: spread(samples.listRunsJson), showRun: spread(samples.showRun) },
      p50OverBareNode: { listRunsJson: ratio('listRunsJson'), showRun: ratio('showRun'), goal: GOAL_RATIO },
    };
  } finally {
    await cosmos.stop();
  }
}

function run(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}
