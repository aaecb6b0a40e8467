import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join } from 'node:path';

export interface StaticAsset {
  readonly body: Buffer;
  /** The build's gzipped copy, when it made one (compressed once, not by every server start). */
  readonly gzipped?: Buffer;
  readonly contentType: string;
  /** A digest of the body: a link with `?v=<version>` (or a hashed name) may be cached for good. */
  readonly version: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A folder a build script wrote under dist/ (the playground, the dashboard), read once on first
 * use. `required` names the files without which the bundle counts as not built; every other file
 * with a known type in the folder and its subfolders is served too.
 */
export class StaticBundle {
  private loaded?: ReadonlyMap<string, StaticAsset> | null;

  constructor(
    readonly folder: string,
    private readonly required: readonly string[],
  ) {}

  /** Undefined when the bundle was never built: pages say so instead of going blank. */
  get(file: string): StaticAsset | undefined {
    return this.all()?.get(file);
  }

  isBuilt(): boolean {
    return this.all() !== null;
  }

  private all(): ReadonlyMap<string, StaticAsset> | null {
    if (this.loaded !== undefined) return this.loaded;
    if (!this.required.every((file) => existsSync(join(this.folder, file)))) return null; // checked again next time: a build may land
    const assets = new Map<string, StaticAsset>();
    for (const file of filesUnder(this.folder)) {
      const contentType = CONTENT_TYPES[extname(file)];
      if (contentType === undefined) continue;
      const body = readFileSync(join(this.folder, file));
      const gzippedPath = join(this.folder, `${file}.gz`);
      const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
      assets.set(file, { body, contentType, version, ...(existsSync(gzippedPath) ? { gzipped: readFileSync(gzippedPath) } : {}) });
    }
    this.loaded = assets;
    return assets;
  }
}

/**
 * Answers one asset with its ETag (304 when the browser has it), gzipped when the browser takes
 * it, and cached for good when `immutable` (a versioned link or a content-hashed name).
 */
export function sendAsset(asset: StaticAsset, immutable: boolean, request: IncomingMessage, response: ServerResponse): void {
  const etag = `"${asset.version}"`;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    etag,
    vary: 'accept-encoding',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const gzip = asset.gzipped !== undefined && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzipped! : asset.body;
  response.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) });
  response.end(body);
}

/** The folder of our package.json: dist/ sits beside it whether we run from source or from dist. */
export function packageRoot(): string {
  // The build emits CommonJS (__dirname) while jest runs this file as ESM (cwd is the root there).
  let folder = typeof __dirname === 'string' ? __dirname : process.cwd();
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) return process.cwd();
    folder = parent;
  }
  return folder;
}

function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(folder, relative) : [relative];
  });
}
