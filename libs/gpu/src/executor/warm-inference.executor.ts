import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { CONTAINER_ROOT, MODEL_SERVER_REQUESTS_DIR, modelServerRequestOf, onHost, savedOutputDir } from '../../../domain/src/index.js';
import { runFolder } from '../../../media/src/index.js';
import { GradioClient, type GradioOutcome, ModelServerUnreachable } from '../model-server/gradio-client.js';
import { download, removeRemoteTree, upload } from '../sftp-transfer.js';
import { asExecutionFailure, stageInputs } from './container-run.js';
import { ExecutionFailure } from './execution-failure.js';
import { finishedRun, type RunExecutionResult } from './one-run.execution.js';
import { describeLocalFile, downloadModelOutputs, EXECUTION_LOG_NAME, writeManifest } from './run-outputs.js';
import { SingleInferenceExecutor, type SingleInferenceExecution } from './single-inference.executor.js';

const API = 'generate_video';
const MARKER_NAME = 'event.json';

export interface WarmServerTarget {
  /** The node loopback port the server's 8080 is published on. */
  readonly port: number;
  /** Silence on the event stream longer than this is a hung server (Gradio's heartbeat is every 15 s). */
  readonly idleTimeoutMs: number;
}

/**
 * One single-inference run on the node's loaded model server instead of a container of its own:
 * inputs go up by SFTP into the server's uploads path, the request is submitted over the forwarded
 * port, and the generation folder the server reports is downloaded like a container's outputs.
 * Repeating it for the same attempt submits nothing twice: the event id is kept on the node
 * (`model-server/requests/<job>-a<attempt>/event.json`) before the result is awaited, so a worker that
 * restarts re-reads the same event, and a finished attempt's manifest answers at once.
 * Throws ExecutionFailure with the server's failures typed as a container's would be.
 */
export async function executeWarmInference(request: SingleInferenceExecution, server: WarmServerTarget): Promise<RunExecutionResult> {
  try {
    return await executeOnce(request, server);
  } catch (error) {
    throw asExecutionFailure(warmFailure(error, request));
  }
}

async function executeOnce(request: SingleInferenceExecution, server: WarmServerTarget): Promise<RunExecutionResult> {
  const { connection, jobId, attempt, run } = request;
  const localDir = runFolder(request.outputsRoot, run.runId);
  await mkdir(localDir, { recursive: true });
  const finished = await finishedRun(request, localDir);
  if (finished !== null) return finished;

  const launch = new SingleInferenceExecutor().launch(request);
  const built = modelServerRequestOf(launch.spec);
  if ('incompatible' in built) throw new ExecutionFailure('VALIDATION', built.incompatible);
  request.onStage?.('uploading', 0);
  await stageInputs(request, launch);
  if (request.signal?.aborted) throw new ExecutionFailure('KILLED', 'the run was cancelled before it reached the model server');

  const client = new GradioClient(connection, server.port);
  const marker = `${MODEL_SERVER_REQUESTS_DIR}/${jobId}-a${attempt}`;
  const eventId = (await readMarker(request, marker)) ?? (await submit(request, client, marker, JSON.stringify(built.request)));
  request.onStage?.('running', 0);
  const bounded = AbortSignal.any([AbortSignal.timeout(request.timeoutMs), ...(request.signal === undefined ? [] : [request.signal])]);
  let outcome: GradioOutcome;
  try {
    outcome = await client.result(API, eventId, { idleTimeoutMs: server.idleTimeoutMs, signal: bounded });
  } catch (error) {
    if (bounded.aborted && !request.signal?.aborted) throw new ExecutionFailure('TIMEOUT', `the model server did not finish within ${request.timeoutMs} ms`, null, { cause: error });
    throw error;
  }
  const status = statusOf(outcome);
  const log = join(localDir, EXECUTION_LOG_NAME);
  await writeFile(log, `model server request ${eventId} (job ${jobId}, attempt ${attempt})\n${JSON.stringify(built.request)}\n${status}\n`, 'utf8');
  const folder = savedOutputDir(status);
  if (folder === null) throw serverError(status);

  request.onStage?.('downloading', 0);
  const generated = posix.relative(CONTAINER_ROOT, folder);
  const files = await downloadModelOutputs({
    connection,
    remoteDir: request.node.remoteDir,
    outputsRoot: request.outputsRoot,
    localDir,
    expected: { dir: generated, video: `${generated}/output.mp4`, promptText: `${generated}/output.txt` },
    onProgress: (percent) => request.onStage?.('downloading', percent),
  });
  files.push(await describeLocalFile(request.outputsRoot, log, 'log'));
  const manifest = await writeManifest(request.outputsRoot, localDir, { runId: run.runId, jobId, attempt, container: `model-server:${eventId}`, exitCode: 0, files });
  // Outputs are safe here: the server's folder and the marker go, so the node does not fill up.
  await removeRemoteTree(connection, onHost(request.node.remoteDir, generated)).catch(() => undefined);
  await removeRemoteTree(connection, onHost(request.node.remoteDir, marker)).catch(() => undefined);
  return { exitCode: 0, outputs: [...files, manifest], manifestPath: manifest.path };
}

async function submit(request: SingleInferenceExecution, client: GradioClient, marker: string, body: string): Promise<string> {
  const eventId = await client.submit(API, [body]);
  await writeMarker(request, marker, eventId);
  return eventId;
}

/** The server's answer as its status text; an event it no longer knows is an interrupted attempt. */
function statusOf(outcome: GradioOutcome): string {
  if (outcome.kind === 'unknown') throw new ExecutionFailure('INTERRUPTED', 'the model server no longer knows the request: it restarted while the request ran');
  if (outcome.kind === 'error') throw new ExecutionFailure('REMOTE_ERROR', `the model server failed the call: ${outcome.message}`);
  return String(outcome.data[1] ?? '');
}

/** `Error: <exception>` as gradio_app.py reports it, typed as the same exception in a container's log would be. */
function serverError(status: string): ExecutionFailure {
  const text = status.replace(/^Error:\s*/, '');
  if (/OutOfMemoryError|CUDA out of memory/.test(text)) return new ExecutionFailure('OOM_KILLED', `the model server ran out of GPU memory: ${text}`);
  if (/^(ValueError|TypeError|KeyError)/.test(text)) return new ExecutionFailure('BAD_SPEC', `the model server refused the request: ${text}`);
  if (/^FileNotFoundError/.test(text)) return new ExecutionFailure('VALIDATION', `the model server could not read an input: ${text}`);
  if (/^Generation failed/.test(text)) return new ExecutionFailure('MISSING_OUTPUT', text);
  return new ExecutionFailure('REMOTE_ERROR', `the model server failed: ${text}`);
}

/** A stream the server stopped feeding is a hang; one that broke is the server gone (a crash), unless we cancelled. */
function warmFailure(error: unknown, request: SingleInferenceExecution): unknown {
  if (!(error instanceof ModelServerUnreachable)) return error;
  if (request.signal?.aborted) return new ExecutionFailure('KILLED', 'the run was cancelled while the model server worked on it', null, { cause: error });
  if (error.hung) return new ExecutionFailure('TIMEOUT', `the model server hung: ${error.message}`, null, { cause: error });
  return new ExecutionFailure('CONTAINER_EXIT', `the model server went away mid-request: ${error.message}`, null, { cause: error });
}

async function readMarker(request: SingleInferenceExecution, marker: string): Promise<string | null> {
  const local = await mkdtemp(join(tmpdir(), 'cosmos-warm-'));
  try {
    await download(request.connection, onHost(request.node.remoteDir, `${marker}/${MARKER_NAME}`), join(local, MARKER_NAME));
    const parsed = JSON.parse(await readFile(join(local, MARKER_NAME), 'utf8')) as { eventId?: unknown };
    return typeof parsed.eventId === 'string' ? parsed.eventId : null;
  } catch {
    return null;
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

async function writeMarker(request: SingleInferenceExecution, marker: string, eventId: string): Promise<void> {
  const local = await mkdtemp(join(tmpdir(), 'cosmos-warm-'));
  try {
    await writeFile(join(local, MARKER_NAME), JSON.stringify({ eventId, jobId: request.jobId, attempt: request.attempt }), 'utf8');
    await upload(request.connection, join(local, MARKER_NAME), onHost(request.node.remoteDir, `${marker}/${MARKER_NAME}`));
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}
