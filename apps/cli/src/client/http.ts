import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Why a call did not get an answer: the socket's error code, or our own timeout. */
export class HttpUnanswered extends Error {
  constructor(
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(reason);
    this.name = 'HttpUnanswered';
  }
}

interface Request {
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/**
 * The response of one request, its headers received within the bound; the body streams on (an
 * export may take long). node:http, not fetch: Node 20's fetch costs about 200 ms to load
 * (undici), which a CLI pays on every command.
 */
export function respond(url: URL, options: Request): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers = options.body === undefined ? options.headers : { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };
    const call = request(url, { method: options.method, headers }, (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    const timer = setTimeout(() => call.destroy(new HttpUnanswered(`no answer within ${options.timeoutMs} ms`, true)), options.timeoutMs);
    call.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(error instanceof HttpUnanswered ? error : new HttpUnanswered(error.code ?? error.message, false));
    });
    call.end(options.body);
  });
}

/** One whole exchange, the body read too, all of it within the bound. */
export async function exchange(url: URL, options: Request): Promise<HttpAnswer> {
  const started = Date.now();
  const response = await respond(url, options);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => response.destroy(new HttpUnanswered(`no answer within ${options.timeoutMs} ms`, true)), Math.max(0, options.timeoutMs - (Date.now() - started)));
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      clearTimeout(timer);
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
    });
    response.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(error instanceof HttpUnanswered ? error : new HttpUnanswered(error.code ?? error.message, false));
    });
  });
}
