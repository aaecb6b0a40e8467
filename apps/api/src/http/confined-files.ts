import type { Logger } from '@nestjs/common';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfined } from '../../../../libs/media/src/index.js';

/** The part of Express's response this controller uses (the repo carries no @types/express). */
export interface FileResponse {
  readonly headersSent: boolean;
  status(code: number): FileResponse;
  json(body: unknown): void;
  end(): void;
  destroy(): void;
  setHeader(name: string, value: string | number | readonly string[]): void;
  removeHeader(name: string): void;
  sendFile(file: string, options: SendFileOptions, done: (error?: SendError) => void): void;
}

interface SendFileOptions {
  readonly root: string;
  readonly dotfiles: 'deny';
  readonly acceptRanges: boolean;
  readonly cacheControl: boolean;
  readonly maxAge: number;
}

/** What `send` hands the callback: an http-errors error, or a raw stream error. */
interface SendError extends Error {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly code?: string;
}

/**
 * Only types we produce are labelled; everything else is served as opaque bytes (with nosniff) so
 * an HTML or SVG file that lands in the outputs folder is never rendered as a page on our origin.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

const NOT_FOUND = { error: 'not found' };
const FILE_HEADERS = ['Accept-Ranges', 'Cache-Control', 'Content-Length', 'Content-Range', 'Content-Type', 'ETag', 'Last-Modified'];

/**
 * Serves one file below `root` with Range support, or 404 for anything outside it, hidden, or
 * absent: the outputs and the input videos are both served this way.
 */
export async function serveConfinedFile(
  root: string,
  segments: readonly string[],
  request: { headers: Record<string, string | string[] | undefined> },
  response: FileResponse,
  logger: Logger,
): Promise<void> {
  const file = await locate(root, segments);
  if (file === null) return notFound(response);
  const range = request.headers.range;
  if (typeof range === 'string') request.headers.range = wholeFileForLongSuffix(range, (await stat(path.join(file.root, file.relative))).size);
  response.setHeader('Content-Type', CONTENT_TYPES[path.extname(file.relative).toLowerCase()] ?? 'application/octet-stream');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  // Root + relative rather than an absolute path: `send` applies `dotfiles` to every component
  // of the path it is given, and an absolute one would deny all files under e.g. ~/.local/….
  const options = { root: file.root, dotfiles: 'deny', acceptRanges: true, cacheControl: true, maxAge: 0 } as const;
  response.sendFile(file.relative, options, (error) => {
    if (error === undefined) return;
    // Failed mid-stream (or the client went away): the length is promised, so only closing the
    // connection tells the client the body is short, as Express's own final handler does.
    if (response.headersSent) return response.destroy();
    if (error.status === 416 || error.status === 412) return answerPrecondition(response, error);
    if (error.status === 403 || error.status === 404) return notFound(response);
    logger.warn(`Could not serve ${file.relative}: ${error.code ?? error.message}`);
    clearHeaders(response);
    response.status(500).json({ error: 'could not read the file' });
  });
}

/** The real root and the real file's path below it, or null for anything not to be served. */
async function locate(root: string, segments: readonly string[]): Promise<{ root: string; relative: string } | null> {
  // An encoded slash inside a segment would make one URL segment two path segments; dot
  // segments are hidden files (or `.`/`..`), which are never served.
  if (segments.some((segment) => segment.includes('/') || segment.startsWith('.'))) return null;
  const real = await resolveConfined(root, segments.join('/'));
  if (real === null) return null;
  const realRoot = await realpath(root).catch(() => null);
  return realRoot === null ? null : { root: realRoot, relative: path.relative(realRoot, real) };
}

/**
 * RFC 9110 §14.1.2: a suffix range longer than the file means the whole file (a log tail asks
 * for its last 16 KiB whatever the log's size). `send` answers 416 instead, so the range is
 * rewritten to the whole file first.
 */
export function wholeFileForLongSuffix(range: string, size: number): string {
  const suffix = /^bytes=-(\d+)$/.exec(range.trim());
  return suffix !== null && size > 0 && Number(suffix[1]) >= size ? 'bytes=0-' : range;
}

export function notFound(response: FileResponse): void {
  clearHeaders(response);
  response.status(404).json(NOT_FOUND);
}

/** 416 keeps its `Content-Range: bytes *\/<size>`, which tells the client the real length. */
function answerPrecondition(response: FileResponse, error: SendError): void {
  clearHeaders(response);
  for (const [name, value] of Object.entries(error.headers ?? {})) response.setHeader(name, value);
  response.status(error.status ?? 416).end();
}

/** `send` sets these before it can fail; none of them describe an error answer. */
function clearHeaders(response: FileResponse): void {
  for (const name of FILE_HEADERS) response.removeHeader(name);
}
