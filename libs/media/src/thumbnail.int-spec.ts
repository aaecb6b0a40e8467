import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestVideo } from './testing/test-videos.js';
import { makeThumbnail } from './thumbnail.js';
import { probeVideo } from './video-probe.js';

describe('makeThumbnail', () => {
  let dir: string;
  let video: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'media-thumb-'));
    video = join(dir, 'output.mp4');
    await makeTestVideo(video, { width: 160, height: 160, frames: 24 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a letterboxed JPEG of the requested size, once', async () => {
    const thumb = join(dir, 'thumbs', 'output.thumb.jpg');

    expect(await makeThumbnail(video, thumb)).toBe(true);
    const written = statSync(thumb).mtimeMs;
    expect(await makeThumbnail(video, thumb)).toBe(false);

    const bytes = readFileSync(thumb);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(await probeVideo(thumb)).toMatchObject({ width: 384, height: 216, codec: 'mjpeg' });
    expect(statSync(thumb).mtimeMs).toBe(written);
    expect(await readdir(join(dir, 'thumbs'))).toEqual(['output.thumb.jpg']);
  });

  it('falls back to the first frame when asked for a moment past the end', async () => {
    const thumb = join(dir, 'late.jpg');
    expect(await makeThumbnail(video, thumb, { atSeconds: 30, width: 64, height: 64 })).toBe(true);
    expect(await probeVideo(thumb)).toMatchObject({ width: 64, height: 64 });
  });
});
