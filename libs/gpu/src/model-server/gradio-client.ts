import { request as httpRequest, type IncomingMessage } from 'node:http';
import { PortForwardRefused } from '../gpu.errors.js';
import type { SshConnection } from '../ssh-connection.js';

/** Opening the forward and one short call (info, submit): the server answers these in milliseconds. */
const CALL_TIMEOUT_MS = 15_000;

/** How a `/generate_video` event ended, as its event stream says. */
export type GradioOutcome =
  | { readonly kind: 'complete'; readonly data: readonly unknown[] }
  | { readonly kind: 'error'; readonly message: string }
  /** The server does not know the event: it restarted, or another reader already saw it end. */
  | { readonly kind: 'unknown' };

/** The server took no call, or stopped talking mid-stream (no heartbeat within the idle bound). */
export class ModelServerUnreachable extends Error {
  constructor(
    message: string,
    readonly hung: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelServerUnreachable';
  }
}

export interface ResultOptions {
  /** Gradio sends a heartbeat every 15 s while it works; silence longer than this is a hung server. */
  readonly idleTimeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Gradio's REST protocol (`/gradio_api/…`) to the model server on the node's loopback, each call
 * over its own `direct-tcpip` channel of the node's SSH connection. Every call is bounded; none
 * is retried here (a submit is not idempotent: the caller records the event id and re-reads it).
 */
export class GradioClient {
  constructor(
    private readonly connection: SshConnection,
    private readonly port: number,
  ) {}

  /** True once the server listens and answers (it listens only after its pipeline loaded). */
  async ready(): Promise<boolean> {
    try {
      const response = await this.call('GET', '/gradio_api/info');
      return response.status === 200;
    } catch (error) {
      if (error instanceof ModelServerUnreachable && error.cause instanceof PortForwardRefused) return false;
      throw error;
    }
  }

  /** Queues one request; answers its event id. */
  async submit(api: string, data: readonly unknown[]): Promise<string> {
    const response = await this.call('POST', `/gradio_api/call/${api}`, JSON.stringify({ data }));
    const eventId = (parseJson(response.body) as { event_id?: unknown } | null)?.event_id;
    if (response.status !== 200 || typeof eventId !== 'string') throw new ModelServerUnreachable(`the model server refused the call (HTTP ${response.status}): ${response.body.slice(0, 200)}`, false);
    return eventId;
  }

  /** Reads the event's stream to its end: heartbeats until `complete` or `error`. */
  async result(api: string, eventId: string, options: ResultOptions): Promise<GradioOutcome> {
    const response = await this.open('GET', `/gradio_api/call/${api}/${encodeURIComponent(eventId)}`, undefined, options.signal);
    if (response.statusCode === 404) {
      response.resume();
      return { kind: 'unknown' };
    }
    if (response.statusCode !== 200) {
      response.resume();
      throw new ModelServerUnreachable(`the model server answered HTTP ${response.statusCode} for event ${eventId}`, false);
    }
    return readEventStream(response, options.idleTimeoutMs);
  }

  private async call(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const response = await this.open(method, path, body);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => response.destroy(new Error(`no full answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    try {
      for await (const chunk of response) chunks.push(chunk as Buffer);
    } catch (error) {
      throw new ModelServerUnreachable(`${method} ${path}: ${(error as Error).message}`, true, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    return { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') };
  }

  private async open(method: string, path: string, body?: string, signal?: AbortSignal): Promise<IncomingMessage> {
    let socket;
    try {
      socket = await this.connection.forward(this.port, { timeoutMs: CALL_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof PortForwardRefused) throw new ModelServerUnreachable(error.message, false, { cause: error });
      throw error;
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = { host: `127.0.0.1:${this.port}` };
      if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      const req = httpRequest({ method, path, headers, createConnection: () => socket, signal });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      req.once('response', (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      req.once('error', (error) => {
        clearTimeout(timer);
        reject(new ModelServerUnreachable(`${method} ${path}: ${error.message}`, false, { cause: error }));
      });
      req.end(body);
    });
  }
}

/** Server-sent events: `event: <name>` and `data: <json>` lines, a blank line ends each. */
async function readEventStream(response: IncomingMessage, idleTimeoutMs: number): Promise<GradioOutcome> {
  let idle = setTimeout(() => response.destroy(new IdleStream()), idleTimeoutMs);
  let buffered = '';
  try {
    for await (const chunk of response) {
      clearTimeout(idle);
      idle = setTimeout(() => response.destroy(new IdleStream()), idleTimeoutMs);
      buffered += (chunk as Buffer).toString('utf8');
      for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
        const message = parseMessage(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (message.event === 'complete') return { kind: 'complete', data: Array.isArray(message.data) ? message.data : [message.data] };
        if (message.event === 'error') return { kind: 'error', message: typeof message.data === 'string' ? message.data : JSON.stringify(message.data) };
      }
    }
  } catch (error) {
    const hung = error instanceof IdleStream;
    throw new ModelServerUnreachable(hung ? `the model server sent nothing for ${idleTimeoutMs} ms` : `the event stream broke: ${(error as Error).message}`, hung, { cause: error });
  } finally {
    clearTimeout(idle);
  }
  throw new ModelServerUnreachable('the event stream ended without a result', false);
}

class IdleStream extends Error {}

function parseMessage(text: string): { event: string; data: unknown } {
  let event = 'message';
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return { event, data: parseJson(data.join('\n')) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
