import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PlaygroundAsset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly contentType: string;
  /** A digest of the body: the page links `?v=<version>`, so browsers may cache it for good. */
  readonly version: string;
}

const FILES: Record<string, string> = {
  'graphiql.js': 'text/javascript; charset=utf-8',
  'graphiql.css': 'text/css; charset=utf-8',
};

/**
 * The bundle scripts/build-playground.mjs writes to dist/playground, with the gzipped copy it
 * makes beside each file (1.8 MB becomes about 0.5 MB for operators on a slow link), read once.
 */
@Injectable()
export class PlaygroundAssets {
  private loaded?: ReadonlyMap<string, PlaygroundAsset>;

  constructor(readonly folder: string = join(packageRoot(), 'dist', 'playground')) {}

  /** Undefined when the bundle was never built: the page says so instead of going blank. */
  get(file: string): PlaygroundAsset | undefined {
    return this.all()?.get(file);
  }

  isBuilt(): boolean {
    return this.all() !== undefined;
  }

  private all(): ReadonlyMap<string, PlaygroundAsset> | undefined {
    if (this.loaded) return this.loaded;
    if (!Object.keys(FILES).every((file) => existsSync(join(this.folder, file)) && existsSync(join(this.folder, `${file}.gz`)))) return undefined;
    this.loaded = new Map(
      Object.entries(FILES).map(([file, contentType]) => {
        const body = readFileSync(join(this.folder, file));
        const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
        return [file, { body, gzipped: readFileSync(join(this.folder, `${file}.gz`)), contentType, version }];
      }),
    );
    return this.loaded;
  }
}

/** The folder of our package.json: dist/ sits beside it whether we run from source or from dist. */
function packageRoot(): string {
  // The build emits CommonJS (__dirname) while jest runs this file as ESM (cwd is the root there).
  let folder = typeof __dirname === 'string' ? __dirname : process.cwd();
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) return process.cwd();
    folder = parent;
  }
  return folder;
}
