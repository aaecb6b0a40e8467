// Bundles the dashboard (apps/web) into dist/web: index.html and content-hashed app/ files, each
// with a gzipped copy, served by the api at `/` from our own origin (no CDN, nothing fetched at
// run time). Generates the operation types first, so a build never runs on stale ones.
// Plain JavaScript because it runs before (and apart from) the TypeScript build.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/web');
execFileSync(process.execPath, [join(root, 'scripts/codegen-web.mjs')], { stdio: 'inherit' });

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'app'), { recursive: true });
const result = await build({
  entryPoints: { main: join(root, 'apps/web/src/main.tsx') },
  outdir: join(out, 'app'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff2': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});

const outputs = Object.keys(result.metafile.outputs).map((file) => join(root, file));
const script = outputs.find((file) => file.endsWith('.js'));
const style = outputs.find((file) => file.endsWith('.css'));
const template = readFileSync(join(root, 'apps/web/index.html'), 'utf8');
writeFileSync(
  join(out, 'index.html'),
  template
    .replace('<!-- styles -->', style ? `<link rel="stylesheet" href="/app/${basename(style)}">` : '')
    .replace('<!-- scripts -->', `<script type="module" src="/app/${basename(script)}"></script>`),
);

let gzippedTotal = 0;
for (const file of [...outputs.filter((name) => /\.(js|css)$/.test(name)), join(out, 'index.html')]) {
  const gzipped = gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${file}.gz`, gzipped);
  gzippedTotal += gzipped.length;
}
console.log(`dashboard: ${outputs.filter((f) => /\.(js|css)$/.test(f)).map((f) => `${basename(f)} ${(readFileSync(f).length / 1024).toFixed(0)} KiB`).join(', ')}; ${(gzippedTotal / 1024).toFixed(0)} KiB gzipped in all`);
