import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
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

/**
 * One HTTP exchange with a bound on all of it. node:http, not fetch: Node 20's fetch costs about
 * 200 ms to load (undici), which a CLI pays on every command.
 */
export function exchange(url: URL, options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpAnswer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers = options.body === undefined ? options.headers : { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };
    const call = request(url, { method: options.method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => fail(error));
    });
    const fail = (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(error instanceof HttpUnanswered ? error : new HttpUnanswered(error.code ?? error.message, false));
    };
    const timer = setTimeout(() => call.destroy(new HttpUnanswered(`no answer within ${options.timeoutMs} ms`, true)), options.timeoutMs);
    call.on('error', fail);
    call.end(options.body);
  });
}
