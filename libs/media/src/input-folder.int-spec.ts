import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInputFolder, scanInputVideos } from './input-folder.js';
import { InputFolderError } from './media.errors.js';
import { makeTestVideo } from './testing/test-videos.js';

describe('input folders', () => {
  let dir: string;
  let root: string;
  let outside: string;
  /** Tiny generated videos, copied into each scenario's folder. */
  const sample = { wide24: '', wide12: '', square24: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'media-inputs-'));
    root = join(dir, 'inputs');
    outside = join(dir, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    sample.wide24 = join(dir, 'wide24.mp4');
    sample.wide12 = join(dir, 'wide12.mp4');
    sample.square24 = join(dir, 'square24.mp4');
    await Promise.all([
      makeTestVideo(sample.wide24, { width: 64, height: 36, frames: 24 }),
      makeTestVideo(sample.wide12, { width: 64, height: 36, frames: 12 }),
      makeTestVideo(sample.square24, { width: 36, height: 36, frames: 24 }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A folder under the inputs root holding the given files, each copied from a sample. */
  function folder(relative: string, files: Record<string, string> = {}): string {
    mkdirSync(join(root, relative), { recursive: true });
    for (const [name, from] of Object.entries(files)) copyFileSync(from, join(root, relative, name));
    return relative;
  }

  async function failure(attempt: Promise<unknown>): Promise<InputFolderError> {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputFolderError);
    return error as InputFolderError;
  }

  describe('resolveInputFolder', () => {
    it('accepts nested folders, answering posix paths relative to the root', async () => {
      folder('city/night');
      expect(await resolveInputFolder(root, 'city/night')).toEqual({
        absolute: join(realpathSync(root), 'city', 'night'),
        relative: 'city/night',
      });
    });

    it('accepts an absolute path inside the root', async () => {
      folder('absolute-ok');
      expect(await resolveInputFolder(root, join(root, 'absolute-ok'))).toMatchObject({ relative: 'absolute-ok' });
    });

    it('accepts a `..` that stays inside the root', async () => {
      folder('a');
      folder('b');
      expect(await resolveInputFolder(root, 'a/../b')).toMatchObject({ relative: 'b' });
    });

    it.each([
      ['../outside', 'Input folder "../outside" is outside the inputs folder'],
      ['/etc', 'Input folder "/etc" is outside the inputs folder'],
    ])('rejects %s', async (videoDir, message) => {
      const error = await failure(resolveInputFolder(root, videoDir));
      expect(error).toMatchObject({ code: 'OUTSIDE_INPUTS_ROOT', message });
    });

    it('rejects an absolute path outside the root without naming the root', async () => {
      const error = await failure(resolveInputFolder(root, outside));
      expect(error.code).toBe('OUTSIDE_INPUTS_ROOT');
      expect(error.message).not.toContain(root);
    });

    it('rejects a symlinked folder pointing outside, and a folder below one', async () => {
      mkdirSync(join(outside, 'secret', 'deeper'), { recursive: true });
      symlinkSync(join(outside, 'secret'), join(root, 'escape'));

      const direct = await failure(resolveInputFolder(root, 'escape'));
      const below = await failure(resolveInputFolder(root, 'escape/deeper'));

      expect(direct).toMatchObject({ code: 'OUTSIDE_INPUTS_ROOT', message: 'Input folder "escape" links outside the inputs folder' });
      expect(below.code).toBe('OUTSIDE_INPUTS_ROOT');
    });

    it('follows a symlink that stays inside the root to its real folder', async () => {
      folder('real-scene');
      symlinkSync(join(root, 'real-scene'), join(root, 'alias-scene'));
      expect(await resolveInputFolder(root, 'alias-scene')).toMatchObject({ relative: 'real-scene' });
    });

    it('rejects a missing folder', async () => {
      const error = await failure(resolveInputFolder(root, 'nowhere'));
      expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Input folder "nowhere" does not exist in the inputs folder' });
    });

    it('rejects a file instead of a folder', async () => {
      writeFileSync(join(root, 'readme.txt'), 'hi');
      const error = await failure(resolveInputFolder(root, 'readme.txt'));
      expect(error).toMatchObject({ code: 'NOT_A_DIRECTORY', message: 'Input folder "readme.txt" is a file, not a folder' });
    });
  });

  describe('scanInputVideos', () => {
    it('requires color.mp4', async () => {
      folder('no-color', { 'depth.mp4': sample.wide24 });
      const error = await failure(scanInputVideos(root, 'no-color'));
      expect(error).toMatchObject({ code: 'COLOR_VIDEO_MISSING', message: 'Input folder "no-color" has no color.mp4, which is required' });
    });

    it('describes color.mp4 alone', async () => {
      folder('scenes/solo', { 'color.mp4': sample.wide24, 'vis.mp4': sample.wide12 });

      expect(await scanInputVideos(root, 'scenes/solo')).toEqual({
        videoDir: 'scenes/solo',
        color: expect.objectContaining({ path: 'scenes/solo/color.mp4', frames: 24, fps: 24, width: 64, height: 36, codec: 'h264' }),
      });
    });

    it('picks up depth.mp4 and segmentation.mp4', async () => {
      folder('full', { 'color.mp4': sample.wide24, 'depth.mp4': sample.wide24, 'segmentation.mp4': sample.wide24 });

      const scanned = await scanInputVideos(root, 'full');

      expect(scanned.depth).toMatchObject({ path: 'full/depth.mp4', frames: 24 });
      expect(scanned.segmentation).toMatchObject({ path: 'full/segmentation.mp4', frames: 24 });
    });

    it('reports every control that does not match color.mp4', async () => {
      folder('mismatch', { 'color.mp4': sample.wide24, 'depth.mp4': sample.wide12, 'segmentation.mp4': sample.square24 });

      const error = await failure(scanInputVideos(root, 'mismatch'));

      expect(error.code).toBe('CONTROL_MISMATCH');
      expect(error.problems).toEqual([
        'depth.mp4 has 12 frames but color.mp4 has 24; the model needs them equal',
        'segmentation.mp4 is 36x36 (1:1) but color.mp4 is 64x36 (16:9); the model needs the same aspect ratio',
      ]);
      expect(error.message).toBe(`Input folder "mismatch": ${error.problems.join('; ')}`);
    });

    it('reports an unreadable color video by its path', async () => {
      folder('broken');
      writeFileSync(join(root, 'broken', 'color.mp4'), 'not a video');

      const error = await failure(scanInputVideos(root, 'broken'));

      expect(error.code).toBe('UNREADABLE_VIDEO');
      expect(error.message).toMatch(/^broken\/color\.mp4: not a readable video/);
      expect(error.message).not.toContain(root);
    });

    it('rejects a color.mp4 symlinked to a file outside the root', async () => {
      folder('leaky');
      copyFileSync(sample.wide24, join(outside, 'stolen.mp4'));
      symlinkSync(join(outside, 'stolen.mp4'), join(root, 'leaky', 'color.mp4'));

      const error = await failure(scanInputVideos(root, 'leaky'));

      expect(error).toMatchObject({ code: 'OUTSIDE_INPUTS_ROOT', message: 'leaky/color.mp4 links outside the inputs folder' });
    });

    it('rejects the folder before looking at videos', async () => {
      const error = await failure(scanInputVideos(root, '../outside'));
      expect(error.code).toBe('OUTSIDE_INPUTS_ROOT');
    });
  });
});
