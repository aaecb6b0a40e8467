// Bundles the playground (apps/api/playground) into dist/playground/graphiql.{js,css} with esbuild,
// so GraphiQL is served from our own origin: no CDN, no download when the page opens.
// Plain JavaScript because it runs before (and apart from) the TypeScript build.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const result = await build({
  entryPoints: { graphiql: join(root, 'apps/api/playground/graphiql.tsx') },
  outdir: join(root, 'dist/playground'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Anything the bundle would fetch at run time (fonts, images) is inlined instead.
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});

// Compressed here, once, rather than by every server start (about 50 ms of a blocked event loop).
for (const file of Object.keys(result.metafile.outputs).filter((name) => /\.(js|css)$/.test(name))) {
  const path = join(root, file);
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION }));
}

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.txt'))
  .map(([file, { bytes }]) => `${file.split('/').pop()} ${(bytes / 1024).toFixed(0)} KiB`);
console.log(`playground: ${sizes.join(', ')}`);
