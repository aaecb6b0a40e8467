#!/usr/bin/env node
// `cosmos`: the compiled CLI (npm ci builds it through the `prepare` script; `npm run build:cli` again after a change).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('cosmos is not built yet: run `npm run build:cli` (npm ci does it) in the checkout\n');
  process.exit(2);
}
require(main);
