import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoProbeError } from './media.errors.js';
import { makeTestVideo } from './testing/test-videos.js';
import { probeVideo } from './video-probe.js';

describe('probeVideo', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-probe-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports exact facts of a generated video', async () => {
    const video = join(dir, 'color.mp4');
    await makeTestVideo(video, { width: 320, height: 180, frames: 24, fps: 24 });

    const facts = await probeVideo(video);

    expect(facts).toEqual({
      frames: 24,
      fps: 24,
      width: 320,
      height: 180,
      durationSeconds: 1,
      codec: 'h264',
      sizeBytes: expect.any(Number),
    });
    expect(facts.sizeBytes).toBeGreaterThan(0);
  });

  it('rounds fractional frame rates to 3 decimals', async () => {
    const video = join(dir, 'ntsc.mp4');
    await makeTestVideo(video, { width: 64, height: 64, frames: 6, fps: 30000 / 1001 });

    expect(await probeVideo(video)).toMatchObject({ frames: 6, fps: 29.97 });
  });

  it('refuses a text file named .mp4, without its absolute path in the detail', async () => {
    const notVideo = join(dir, 'notes.mp4');
    writeFileSync(notVideo, 'just some notes\n');

    const error = await probeVideo(notVideo).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VideoProbeError);
    expect(error).toMatchObject({ reason: 'NOT_A_VIDEO', path: notVideo });
    expect((error as VideoProbeError).detail).toMatch(/^not a readable video \(notes\.mp4: /);
    expect((error as VideoProbeError).detail).not.toContain(dir);
  });

  it('refuses a missing file', async () => {
    await expect(probeVideo(join(dir, 'absent.mp4'))).rejects.toMatchObject({ name: 'VideoProbeError', reason: 'MISSING' });
  });

  it('refuses a folder', async () => {
    mkdirSync(join(dir, 'folder.mp4'));
    await expect(probeVideo(join(dir, 'folder.mp4'))).rejects.toMatchObject({ reason: 'NOT_A_FILE' });
  });

  it('kills ffprobe and reports a timeout', async () => {
    const video = join(dir, 'slow.mp4');
    const hangingProbe = join(dir, 'ffprobe-that-hangs');
    writeFileSync(video, 'x');
    writeFileSync(hangingProbe, '#!/bin/sh\nexec sleep 5\n', { mode: 0o755 });

    const started = Date.now();
    await expect(probeVideo(video, { ffprobe: hangingProbe, timeoutMs: 200 })).rejects.toMatchObject({
      reason: 'TIMEOUT',
      message: `${video}: ffprobe did not finish within 200 ms`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
