import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './client/cli-error.js';
import { addTransferCommands } from './commands/transfer.commands.js';
import { type CommandContext, contextOf, DEFAULT_URL } from './context.js';

type Handler = (ctx: CommandContext, ...args: any[]) => Promise<void>;

/** Commander hands (args…, options, command); the handler gets the context, then args and options. */
function action(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals();
    const ctx = contextOf(options, options.json === true);
    const handler = await load();
    await handler(ctx, ...args.slice(0, -1));
  };
}

const EXIT_CODES = `
Exit codes: 0 ok · 1 a requested operation failed · 2 usage or invalid input · 3 not found ·
4 conflict (stale plan, revision conflict, state) · 5 service unreachable or unauthorised · 130 interrupted`;

function example(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExample:\n${lines.map((line) => `  $ ${line}`).join('\n')}`);
}

function json(command: Command): Command {
  return command.option('--json', 'machine-readable output on stdout (NDJSON for lists)');
}

/** The whole `cosmos` command tree; each command's code loads only when it runs. */
export function buildProgram(): Command {
  const program = new Command('cosmos')
    // Before any subcommand exists, so they inherit it: usage errors come back to runCli as exit 2.
    .exitOverride()
    .version(packageVersion(), '-V, --version', 'the version of cosmos')
    .description('Drive Cosmos Workflow from a terminal: a client of the running service (GraphQL over HTTP and WebSocket).')
    .addOption(new Option('--url <url>', `the service (default ${DEFAULT_URL})`).env('COSMOS_URL'))
    .option('--token <token>', 'a bearer token (or COSMOS_TOKEN)')
    .addOption(new Option('--token-file <file>', 'a file holding the bearer token').env('COSMOS_TOKEN_FILE'))
    .option('--timeout <ms>', 'bound on each call to the service', '30000')
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODES);

  const create = program.command('create').description('create a prompt');
  example(
    json(create.command('prompt').argument('<text>', 'what to generate').argument('<video-dir>', 'folder under the inputs root with color.mp4 (depth.mp4, segmentation.mp4 optional)')),
    'cosmos create prompt "a harbour at dawn, fog lifting" harbour --name harbour_dawn',
  )
    .description('create a prompt from text and an input folder')
    .option('--name <name>', 'its name (default: made from the text)')
    .option('--negative <text>', 'negative prompt (default: the configured one)')
    .option('--model <type>', 'model type (default transfer)')
    .action(action(async () => (await import('./commands/prompts.js')).createPrompt));

  const list = program.command('list').description('list prompts or runs');
  example(json(list.command('prompts')), 'cosmos list prompts --runs none --since 7d', 'cosmos list prompts --json | jq .id')
    .description('prompts, newest first')
    .option('--model <type>', 'only this model type')
    .option('--enhanced', 'only prompts made or changed by an enhancement')
    .option('--runs <has|none|all>', 'by whether they have runs')
    .option('--since <window>', 'today, yesterday, 7d, 30d or older')
    .option('--limit <n>', 'at most this many (1..200)', '50')
    .action(action(async () => (await import('./commands/prompts.js')).listPrompts));
  example(json(list.command('runs')), 'cosmos list runs --status failed --since 24h', 'cosmos list runs --rating 4+ --kind inference')
    .description('runs, newest first')
    .option('--status <status>', 'pending, uploading, running, downloading, completed, failed or cancelled')
    .option('--prompt <id>', "only this prompt's runs")
    .option('--kind <kind>', 'inference, upscale or enhance')
    .option('--rating <n>', 'exactly n, n+ (at least), or none')
    .option('--upscaled', 'only runs that have an upscale')
    .option('--since <when>', 'a duration back (90s, 15m, 2h, 7d) or an ISO time')
    .option('--limit <n>', 'at most this many (1..200)', '50')
    .action(action(async () => (await import('./commands/runs.js')).listRuns));

  example(json(program.command('search').argument('<query>', 'text to find in prompt ids, names and texts')), 'cosmos search "harbour"')
    .description('search prompts; matches are highlighted on a terminal')
    .option('--limit <n>', 'at most this many (1..200)', '20')
    .action(action(async () => (await import('./commands/prompts.js')).search));

  example(json(program.command('show').argument('<id>', 'a prompt (ps_…), run (rs_…) or job (job_…) id')), 'cosmos show ps_0123…', 'cosmos show rs_0123… --json')
    .description('one prompt with its runs and statistics, one run with parameters, outputs and log tail, or one job')
    .action(action(async () => (await import('./commands/show.js')).show));

  example(
    json(program.command('inference').argument('[prompt-ids...]', 'one prompt: an inference job; several: one batch')),
    'cosmos inference ps_a ps_b --weights 0.5 0.3 0.2 0 --steps 35 --wait',
    'cosmos inference ps_a --dry-run',
  )
    .description('run inference on prompts')
    .option('--prompts-file <file>', 'more prompt ids, one per line')
    .option('--weights <weights...>', 'control weights: vis edge depth seg')
    .option('--steps <n>', 'diffusion steps')
    .option('--guidance <x>', 'classifier-free guidance')
    .option('--seed <n>', 'random seed')
    .option('--fps <n>', 'output frames per second')
    .option('--sigma-max <x>', 'noise level of the input video')
    .option('--blur-strength <level>', 'very_low … very_high')
    .option('--canny-threshold <level>', 'very_low … very_high')
    .option('--negative <text>', "this job's negative prompt instead of each prompt's own (the prompts keep theirs)")
    .option('--priority <n>', '0..100, higher first (default 50)')
    .option('--gpus <n>', "GPUs its container gets: 1, 2, 4 or 8 (default: the service's jobs.inference_gpus)")
    .option('--dry-run', 'print the exact spec files and command; queue nothing')
    .option('--wait', 'follow the job to its end with a progress bar; exit 1 if a run failed')
    .action(action(async () => (await import('./commands/requests.js')).inference));

  example(json(program.command('upscale').argument('[run-id]', 'a completed run whose video to upscale')), 'cosmos upscale rs_0123… --weight 0.5 --wait', 'cosmos upscale --video harbour/color.mp4 --prompt-id ps_0123…')
    .description('upscale a run\'s video (or an input video) to 4K')
    .option('--video <path>', 'an input video under the inputs root instead of a run')
    .option('--prompt-id <id>', 'the prompt an input video\'s upscale belongs to')
    .option('--weight <x>', 'control weight')
    .option('--prompt <text>', 'text guiding the upscale')
    .option('--priority <n>', '0..100')
    .option('--gpus <n>', "GPUs its container gets: 1, 2, 4 or 8 (default: the service's jobs.upscale_gpus)")
    .option('--dry-run', 'print the spec and command; queue nothing')
    .option('--wait', 'follow the job to its end')
    .action(action(async () => (await import('./commands/requests.js')).upscale));

  example(json(program.command('prompt-enhance').argument('<prompt-ids...>')), 'cosmos prompt-enhance ps_0123… --create-new --wait', 'cosmos prompt-enhance ps_0123… --overwrite --force')
    .description('rewrite prompts with the prompt upsampler: a new linked prompt, or in place')
    .option('--create-new', 'make <name>_enhanced, linked to the original (default)')
    .option('--overwrite', 'replace the text in place')
    .option('--force', 'with --overwrite: delete the runs made from the current text first')
    .option('--model <name>', 'the upsampler model')
    .option('--priority <n>', '0..100')
    .option('--dry-run', 'say what would be queued; queue nothing')
    .option('--wait', 'follow the job(s) to their end')
    .action(action(async () => (await import('./commands/requests.js')).promptEnhance));

  example(json(program.command('prepare').argument('<input-dir>', 'a folder of color.NNNN.png (depth.NNNN.png, segmentation.NNNN.png optional)')), 'cosmos prepare ./renders/harbour --fps 24 --description "harbour at dawn"', 'cosmos prepare ./renders/harbour --dry-run')
    .description('turn PNG sequences into an input folder (color.mp4, depth.mp4, segmentation.mp4, metadata.json) under the inputs root; run it where the service reads its inputs')
    .option('--name <name>', 'the folder name (default: made from --description, or the input folder name)')
    .option('--fps <n>', 'frames per second of the videos', '24')
    .option('--description <text>', 'kept in metadata.json; names the folder when --name is not given')
    .option('--inputs-root <dir>', 'the service\'s inputs root (default COSMOS_INPUTS_ROOT, or inputs/videos)')
    .option('--dry-run', 'check and say what would be made; write nothing')
    .action(action(async () => (await import('./commands/prepare.js')).prepare));

  example(json(program.command('status')), 'cosmos status', 'cosmos status --stream')
    .description('the queue, what runs on which node, and the nodes')
    .option('-s, --stream [run-id]', "follow a run's log live (default: the first running job's)")
    .action(action(async () => (await import('./commands/status.js')).status));

  example(json(program.command('nodes')), 'cosmos nodes --json')
    .description('GPU nodes side by side: reachable, Docker, driver, GPUs, our containers')
    .action(action(async () => (await import('./commands/status.js')).nodes));

  example(json(program.command('rate').argument('<run-id>').argument('<rating>', '1..5')), 'cosmos rate rs_0123… 4')
    .description('rate a completed run')
    .action(action(async () => (await import('./commands/runs.js')).rate));

  example(json(program.command('verify')), 'cosmos verify', 'cosmos verify --fix')
    .description('check prompts, runs, files and read models; exit 1 when issues are found')
    .option('--fix', 'rebuild drifted read models and fail stuck runs (needs admin)')
    .action(action(async () => (await import('./commands/verify.js')).verify));

  example(json(program.command('delete').argument('<what>', 'prompt or run').argument('[id]')), 'cosmos delete run rs_0123…', 'cosmos delete prompt --all --delete-outputs --force')
    .description('delete a prompt (with its runs) or a run, after a preview and a confirmation')
    .option('--all', 'every prompt (or run); active runs are skipped')
    .option('--delete-outputs', 'remove the output files too (kept by default)')
    .option('--force', 'do not ask (needed without a terminal)')
    .action(action(async () => (await import('./commands/delete.js')).remove));

  const queue = program.command('queue').description('the job queue: list, pause, resume, cancel, clear, retry, priority, smart batching');
  example(json(queue.command('ls', { isDefault: true })), 'cosmos queue')
    .description('queued jobs in claim order with their ETA, and running ones')
    .action(action(async () => (await import('./commands/queue.js')).queueList));
  example(json(queue.command('pause')), 'cosmos queue pause --reason "driver update"')
    .description('stop handing out jobs (running ones go on)')
    .option('--reason <text>')
    .action(action(async () => (await import('./commands/queue.js')).pause));
  example(json(queue.command('resume')), 'cosmos queue resume')
    .description('hand out jobs again')
    .action(action(async () => (await import('./commands/queue.js')).resume));
  example(json(queue.command('cancel').argument('<job-ids...>')), 'cosmos queue cancel job_0123… --reason "wrong prompt"')
    .description('cancel jobs: queued ones at once, running ones once their container is stopped')
    .option('--reason <text>')
    .action(action(async () => (await import('./commands/queue.js')).cancel));
  example(json(queue.command('clear')), 'cosmos queue clear --force')
    .description('cancel every queued job (running ones go on)')
    .option('--reason <text>')
    .option('--force', 'do not ask (needed without a terminal)')
    .action(action(async () => (await import('./commands/queue.js')).clear));
  example(json(queue.command('retry').argument('<job-id>')), 'cosmos queue retry job_0123…')
    .description('queue a linked copy of a failed or cancelled job')
    .action(action(async () => (await import('./commands/queue.js')).retry));
  example(json(queue.command('priority').argument('<job-id>').argument('<priority>', '0..100')), 'cosmos queue priority job_0123… 90')
    .description("change a queued job's priority")
    .action(action(async () => (await import('./commands/queue.js')).priority));
  example(json(queue.command('plan')), 'cosmos queue plan --mode mixed --max 8')
    .description('preview smart batching: which queued jobs would share a container')
    .option('--mode <mode>', 'strict (same controls) or mixed', 'strict')
    .option('--max <n>', 'runs per batch', '16')
    .action(action(async () => (await import('./commands/queue.js')).plan));
  example(json(queue.command('apply')), 'cosmos queue apply --basis <from plan>')
    .description('apply smart batching (the plan as the queue is now, or the one --basis names; a stale one is refused, exit 4)')
    .option('--mode <mode>', 'strict or mixed', 'strict')
    .option('--max <n>', 'runs per batch', '16')
    .option('--basis <basis>', 'the plan `cosmos queue plan` printed')
    .action(action(async () => (await import('./commands/queue.js')).apply));

  example(json(program.command('logs').argument('<run-id>')), 'cosmos logs rs_0123… -f', 'cosmos logs rs_0123… --level warning --format csv > log.csv')
    .description("a run's execution log, filtered; -f follows it live until the run ends")
    .option('-f, --follow', 'the lines as they come (the backlog first)')
    .option('--level <level>', 'this level and above: debug, info, warning, error')
    .option('--grep <text>', 'lines containing the text')
    .option('--regex <pattern>', 'lines matching the pattern')
    .option('--since <when>', 'lines stamped at or after (90s, 2h, an ISO time)')
    .option('--format <format>', 'text, json (NDJSON) or csv')
    .action(action(async () => (await import('./commands/logs.js')).logs));

  example(json(program.command('kill')), 'cosmos kill --node gpu-a', 'cosmos kill --force')
    .description('the kill switch: stop our containers on a node (or all), their jobs fail KILLED (needs admin)')
    .option('--node <name>', 'only this node')
    .option('--force', 'do not ask (needed without a terminal)')
    .action(action(async () => (await import('./commands/kill.js')).kill));

  const projections = program.command('projections').description('the read models: their state and lag, and rebuilds');
  example(json(projections.command('status', { isDefault: true })), 'cosmos projections')
    .description('each projection: state, checkpoint, head, lag, last error')
    .action(action(async () => (await import('./commands/projections.js')).projectionsStatus));
  example(json(projections.command('rebuild').argument('<name>')), 'cosmos projections rebuild prompts')
    .description('rebuild a read model from the whole log, blue/green (needs admin)')
    .action(action(async () => (await import('./commands/projections.js')).rebuild));

  const events = program.command('events');
  example(events.command('export'), 'cosmos events export -o history.ndjson.gz', 'cosmos events export --category job --after 12000 > jobs.ndjson')
    .description("the service's event log as NDJSON (the `npm run events` format); import and copy between stores: `npm run events -- import|copy`")
    .option('-o, --out <file>', 'file to write (default: standard output); .gz compresses')
    .option('--gzip', 'compress with gzip')
    .option('--category <names...>', 'only these stream categories (prompt, run, job, queue, …)')
    .option('--type <types...>', 'only these event types')
    .option('--stream <streams...>', 'only these streams')
    .option('--correlation <id>', "one request's trace")
    .option('--since <when>', 'occurred at or after (90s, 2h, 7d, an ISO time)')
    .option('--after <position>', 'after this log position (resume an export)')
    .action(action(async () => (await import('./commands/export.js')).exportEvents));
  addTransferCommands(events, null, { storeExport: false });
  example(json(events.command('list', { isDefault: true })), 'cosmos events --stream job-job_0123… --json', 'cosmos events --correlation 4b1c… --follow')
    .description('the event history (the last --limit events), filtered; --follow then tails it live')
    .option('--stream <streams...>', 'only these streams')
    .option('--type <types...>', 'only these event types')
    .option('--correlation <id>', "one request's trace")
    .option('--actor <name>', 'only what this actor did')
    .option('--since <when>', 'occurred at or after (90s, 2h, 7d, an ISO time)')
    .option('--limit <n>', 'the last n events (1..500)', '50')
    .option('--follow', 'then each new event as it is appended')
    .action(action(async () => (await import('./commands/events.js')).events));

  example(program.command('completion').argument('<shell>', 'bash, zsh or fish'), 'eval "$(cosmos completion bash)"', 'cosmos completion fish | source')
    .description('a shell completion script for every command and option')
    .action(async (shell: string) => {
      const { completionScript } = await import('./commands/completion.js');
      process.stdout.write(completionScript(program, shell));
    });

  return program;
}

/** The checkout's version (package.json beside dist/ and apps/). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Commander's own refusals (unknown option, missing argument) are usage errors; help and version are not errors. */
export function exitCodeOfCommander(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT.ok;
  return EXIT.usage;
}
