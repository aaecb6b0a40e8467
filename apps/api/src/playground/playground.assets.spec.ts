import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PlaygroundAssets } from './playground.assets.js';

describe('PlaygroundAssets', () => {
  const folderWith = (files: Record<string, string>) => {
    const folder = join(mkdtempSync(join(tmpdir(), 'playground-')), 'playground');
    mkdirSync(folder);
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(folder, name), text);
      writeFileSync(join(folder, `${name}.gz`), gzipSync(text));
    }
    return folder;
  };

  it('says the bundle is not built while either file, or its gzipped copy, is missing', () => {
    const assets = new PlaygroundAssets(folderWith({ 'graphiql.js': 'console.log(1)' }));
    expect(assets.isBuilt()).toBe(false);
    expect(assets.get('graphiql.js')).toBeUndefined();
    const folder = folderWith({ 'graphiql.js': 'console.log(1)', 'graphiql.css': 'body {}' });
    rmSync(join(folder, 'graphiql.css.gz'));
    expect(new PlaygroundAssets(folder).isBuilt()).toBe(false);
  });

  it('versions each file by its content and keeps a gzipped copy', () => {
    const script = 'export const answer = 42;\n'.repeat(100);
    const assets = new PlaygroundAssets(folderWith({ 'graphiql.js': script, 'graphiql.css': 'body { margin: 0 }' }));
    const js = assets.get('graphiql.js')!;
    expect(js.contentType).toBe('text/javascript; charset=utf-8');
    expect(gunzipSync(js.gzipped!).toString()).toBe(script);
    expect(js.version).toMatch(/^[0-9a-f]{16}$/);
    expect(js.version).not.toBe(assets.get('graphiql.css')!.version);
    expect(new PlaygroundAssets(folderWith({ 'graphiql.js': script, 'graphiql.css': '' })).get('graphiql.js')!.version).toBe(js.version);
    expect(assets.get('package.json')).toBeUndefined();
  });
});
