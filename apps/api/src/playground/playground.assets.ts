import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { packageRoot, StaticBundle } from '../http/static-bundle.js';

/**
 * The bundle scripts/build-playground.mjs writes to dist/playground, with the gzipped copy it
 * makes beside each file (1.8 MB becomes about 0.5 MB for operators on a slow link).
 */
@Injectable()
export class PlaygroundAssets extends StaticBundle {
  constructor(folder: string = join(packageRoot(), 'dist', 'playground')) {
    super(folder, ['graphiql.js', 'graphiql.css', 'graphiql.js.gz', 'graphiql.css.gz']);
  }
}
