import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { hintsOf, MODEL_SERVER_PORT, type ModelServerRequest, modelServerRequestProblem, sameHints } from '../../domain/src/index.js';
import { loadPipeline, modelVoice, type ModelVoice } from './model-output.js';
import { abortExitCode, type Program, type ProgramContext } from './program.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';

/** What `python3 server/gradio_app.py` is started as (reference §7.1). */
export const MODEL_SERVER_SCRIPT = 'server/gradio_app.py';

type Outcome = { readonly kind: 'complete'; readonly data: readonly unknown[] } | { readonly kind: 'error'; readonly message: string };

interface ServerEvent {
  readonly id: string;
  result: Outcome | null;
  readonly done: Promise<void>;
  finish(outcome: Outcome): void;
}

/**
 * The model server of a cosmos-transfer1 image, as far as our client uses it: it loads the pipeline
 * (behaviour.modelLoadMs) before it listens, then serves Gradio's REST calls on port 8080 one request
 * at a time. `POST /gradio_api/call/generate_video` queues a request and answers its event id;
 * `GET …/generate_video/<id>` streams heartbeats until the result, and can be read again until a
 * reader saw it end (so a client that lost its stream re-attaches). A request whose hints differ
 * from the loaded set reloads first. Requests are judged by the server's own rules (§7.2).
 */
export function createModelServerProgram(behaviour: SimulatedBehaviour): Program {
  return async (ctx) => {
    const voice = modelVoice(ctx, { file: MODEL_SERVER_SCRIPT, func: 'generate_video' });
    const env = ctx.env;
    const outputDir = env['OUTPUT_DIR'] ?? 'outputs/';
    const numGpus = Number(env['NUM_GPU'] ?? '1');
    const visible = (env['NVIDIA_VISIBLE_DEVICES'] ?? '').split(',').filter((entry) => entry !== '');
    if (visible.length < numGpus) return voice.crash(`RuntimeError: CUDA error: invalid device ordinal (NUM_GPU=${numGpus}, the container sees ${visible.length} GPU(s))`);
    if (!(await loadPipeline(ctx, voice, behaviour))) return abortExitCode(ctx.signal);
    let loaded: string[] | null = null;
    const events = new Map<string, ServerEvent>();
    let queue: Promise<void> = Promise.resolve();
    const crashed = new AbortController();

    const serve = async (event: ServerEvent, request: ModelServerRequest): Promise<void> => {
      const problem = modelServerRequestProblem(request);
      if (problem !== null) return event.finish(errorStatus(problem));
      for (const path of inputPaths(request)) {
        if (!(await isFile(ctx, path))) return event.finish(errorStatus(`FileNotFoundError: [Errno 2] No such file or directory: '${path}'`));
      }
      const hints = hintsOf(request);
      if (loaded !== null && !sameHints(loaded, hints)) {
        await voice.log('INFO', `Hints changed from ${loaded.join(',')} to ${hints.join(',')}: reloading the pipeline`);
        if (!(await loadPipeline(ctx, voice, behaviour))) return;
      }
      loaded = hints;
      const { outcome } = behaviour;
      await voice.log('INFO', 'Starting diffusion sampling');
      if (outcome.kind === 'hang') return void (await voice.hang());
      const steps = Number(request['num_steps'] ?? 35);
      if (!(await voice.sample({ from: 0, to: steps, total: steps }, behaviour.durationMs))) return;
      if (outcome.kind === 'fail') {
        // A signal kills the process (and every request with it); an exception is Gradio's `Error: …`.
        if (outcome.exitCode >= 128) return void crashed.abort(outcome.exitCode);
        return event.finish(errorStatus(outcome.message));
      }
      const folder = `${outputDir.replace(/\/+$/, '')}/generation_${stamp(new Date())}`;
      const video = `${folder}/output.mp4`;
      await mkdir(await ctx.resolvePath(folder), { recursive: true });
      await copyFile(await ctx.resolvePath(String(request['input_video_path'])), await ctx.resolvePath(video));
      await writeFile(await ctx.resolvePath(`${folder}/output.txt`), String(request['prompt'] ?? ''), 'utf8');
      await voice.log('INFO', `Saved video to ${video}`);
      event.finish({ kind: 'complete', data: [{ video, subtitles: null }, `Video generated successfully!\nOutput saved to: ${folder}\nFinal prompt: ${String(request['prompt'] ?? '')}`] });
    };

    const submit = (request: ModelServerRequest | null): string => {
      const event = newEvent();
      events.set(event.id, event);
      if (request === null) event.finish(errorStatus('json.decoder.JSONDecodeError: the request is not a JSON object'));
      else queue = queue.then(() => serve(event, request)).catch((error: unknown) => event.finish(errorStatus(String(error))));
      return event.id;
    };

    const http = createServer((req, res) => void route(req, res, { submit, events, forget: (id) => events.delete(id), heartbeatMs: behaviour.serverHeartbeatMs, stopped: ctx.signal }).catch(() => res.destroy()));
    const sockets = new Set<Duplex>();
    ctx.listen?.(MODEL_SERVER_PORT, (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      http.emit('connection', socket);
    });
    await voice.log('INFO', `Running on local URL:  http://0.0.0.0:${MODEL_SERVER_PORT}`);
    const stopped = AbortSignal.any([ctx.signal, crashed.signal]);
    if (!stopped.aborted) await new Promise((resolve) => stopped.addEventListener('abort', resolve, { once: true }));
    // A process that ends takes its connections with it: each client sees its stream break.
    http.close();
    for (const socket of sockets) socket.destroy();
    if (crashed.signal.aborted && !ctx.signal.aborted) {
      await crash(voice, crashed.signal.reason as number);
      return crashed.signal.reason as number;
    }
    return abortExitCode(ctx.signal);
  };
}

interface Routes {
  readonly submit: (request: ModelServerRequest | null) => string;
  readonly events: ReadonlyMap<string, ServerEvent>;
  readonly forget: (id: string) => void;
  readonly heartbeatMs: number;
  readonly stopped: AbortSignal;
}

async function route(req: IncomingMessage, res: ServerResponse, routes: Routes): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/gradio_api/info') {
    return json(res, 200, { named_endpoints: { '/generate_video': { parameters: [{ label: 'request_text' }] }, '/upload_file': { parameters: [{ label: 'file' }] } }, unnamed_endpoints: {} });
  }
  if (req.method === 'POST' && url.pathname === '/gradio_api/call/generate_video') {
    const body = await readBody(req);
    const data = (parse(body) as { data?: unknown[] } | null)?.data;
    if (!Array.isArray(data) || typeof data[0] !== 'string') return json(res, 422, { detail: 'expected {"data": [request_text]}' });
    const request = parse(data[0]);
    const isObject = typeof request === 'object' && request !== null && !Array.isArray(request);
    return json(res, 200, { event_id: routes.submit(isObject ? (request as ModelServerRequest) : null) });
  }
  const stream = /^\/gradio_api\/call\/generate_video\/([0-9a-f]+)$/.exec(url.pathname);
  if (req.method === 'GET' && stream !== null) {
    const event = routes.events.get(stream[1]!);
    if (event === undefined) return json(res, 404, { detail: 'Event not found' });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const gone = AbortSignal.any([routes.stopped, closedSignal(res)]);
    while (event.result === null && !gone.aborted) {
      await Promise.race([event.done, delay(routes.heartbeatMs, undefined, { signal: gone }).catch(() => undefined)]);
      if (event.result === null && !gone.aborted) res.write('event: heartbeat\ndata: null\n\n');
    }
    if (event.result === null) return void res.end();
    const { result } = event;
    res.write(result.kind === 'complete' ? `event: complete\ndata: ${JSON.stringify(result.data)}\n\n` : `event: error\ndata: ${JSON.stringify(result.message)}\n\n`);
    // Read to its end once, the result is gone; a reader cut off before it may read again.
    res.end(() => routes.forget(event.id));
    return;
  }
  json(res, 404, { detail: 'Not Found' });
}

function newEvent(): ServerEvent {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const event: ServerEvent = {
    id: randomBytes(16).toString('hex'),
    result: null,
    done,
    finish(outcome) {
      if (event.result !== null) return;
      event.result = outcome;
      finish();
    },
  };
  return event;
}

/** gradio_app.py catches the pipeline's exception and answers its text as the status. */
function errorStatus(message: string): Outcome {
  return { kind: 'complete', data: [null, `Error: ${message}`] };
}

async function crash(voice: ModelVoice, exitCode: number): Promise<void> {
  await voice.log('CRITICAL', exitCode === 139 ? 'Segmentation fault (core dumped)' : `the server process died (signal ${exitCode - 128})`);
}

function inputPaths(request: ModelServerRequest): string[] {
  const paths = [request['input_video_path'], ...Object.values(request).map((value) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['input_control'] : undefined))];
  return paths.filter((path): path is string => typeof path === 'string' && path !== '');
}

async function isFile(ctx: ProgramContext, path: string): Promise<boolean> {
  try {
    return (await stat(await ctx.resolvePath(path))).isFile();
  } catch {
    return false;
  }
}

/** `YYYYmmdd_HHMMSS`, as the server names each generation's folder (two in one second share it). */
function stamp(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}_${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function closedSignal(res: ServerResponse): AbortSignal {
  const closed = new AbortController();
  res.once('close', () => closed.abort());
  return closed.signal;
}
