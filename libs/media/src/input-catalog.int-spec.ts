import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInputFolders } from './input-catalog.js';

describe('finding the input folders under the inputs root', () => {
  let root: string;
  const put = (relative: string, at = new Date('2026-01-01T00:00:00Z')) => {
    const file = join(root, relative);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '');
    utimesSync(file, at, at);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'input-catalog-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists folders holding convention videos at any depth, with their files and newest time', async () => {
    put('city/color.mp4', new Date('2026-01-01T00:00:00Z'));
    put('city/depth.mp4', new Date('2026-02-01T00:00:00Z'));
    put('city/notes.txt');
    put('shots/a/b/segmentation.mp4');
    put('empty/readme.md');

    const { folders, truncated } = await findInputFolders(root);

    expect(truncated).toBe(false);
    expect(folders).toEqual([
      { relative: 'city', modifiedAt: new Date('2026-02-01T00:00:00Z'), files: ['color.mp4', 'depth.mp4'] },
      { relative: 'shots/a/b', modifiedAt: new Date('2026-01-01T00:00:00Z'), files: ['segmentation.mp4'] },
    ]);
  });

  it('skips hidden and symlinked folders, stops at the depth and the limit, and says it stopped', async () => {
    put('.cache/color.mp4');
    put('a/color.mp4');
    put('b/color.mp4');
    put('c/d/e/f/g/color.mp4');
    symlinkSync(join(root, 'a'), join(root, 'linked'));

    expect((await findInputFolders(root)).folders.map((folder) => folder.relative)).toEqual(['a', 'b']);
    expect(await findInputFolders(root, { limit: 1 })).toMatchObject({ folders: [{ relative: 'a' }], truncated: true });
    expect((await findInputFolders(root, { maxDepth: 5 })).folders.map((folder) => folder.relative)).toEqual(['a', 'b', 'c/d/e/f/g']);
  });

  it('answers an empty catalog when the root does not exist yet', async () => {
    await expect(findInputFolders(join(root, 'missing'))).resolves.toEqual({ folders: [], truncated: false });
  });
});
