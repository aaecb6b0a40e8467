import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { packageRoot, StaticBundle } from '../http/static-bundle.js';

/** The dashboard scripts/build-web.mjs writes to dist/web: index.html and content-hashed app/ files. */
@Injectable()
export class DashboardBundle extends StaticBundle {
  constructor(folder: string = join(packageRoot(), 'dist', 'web')) {
    super(folder, ['index.html']);
  }
}
