import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMediaBinaries } from './ffmpeg-binaries.js';
import { MediaToolError } from './media.errors.js';

describe('resolveMediaBinaries', () => {
  let dir: string;
  let systemBin: string;
  let emptyBin: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-binaries-'));
    systemBin = join(dir, 'system-bin');
    emptyBin = join(dir, 'empty-bin');
    mkdirSync(systemBin);
    mkdirSync(emptyBin);
    for (const tool of ['ffprobe', 'ffmpeg']) writeFileSync(join(systemBin, tool), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(emptyBin, 'ffprobe'), 'not executable', { mode: 0o644 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers COSMOS_FFPROBE / COSMOS_FFMPEG', () => {
    const env = { COSMOS_FFPROBE: join(systemBin, 'ffprobe'), COSMOS_FFMPEG: join(systemBin, 'ffmpeg'), PATH: emptyBin };
    expect(resolveMediaBinaries(env)).toEqual({ ffprobe: env.COSMOS_FFPROBE, ffmpeg: env.COSMOS_FFMPEG, source: 'env' });
  });

  it('looks a bare COSMOS_FFPROBE name up on PATH', () => {
    expect(resolveMediaBinaries({ COSMOS_FFPROBE: 'ffprobe', PATH: systemBin }).ffprobe).toBe(join(systemBin, 'ffprobe'));
  });

  it('refuses a COSMOS_FFPROBE that is not an executable file', () => {
    expect(() => resolveMediaBinaries({ COSMOS_FFPROBE: join(emptyBin, 'ffprobe'), PATH: emptyBin })).toThrow(
      new MediaToolError(`COSMOS_FFPROBE is set to "${join(emptyBin, 'ffprobe')}", which is not an executable file`),
    );
  });

  it('uses executables named ffprobe / ffmpeg found on PATH next', () => {
    expect(resolveMediaBinaries({ PATH: [emptyBin, systemBin].join(':') })).toEqual({
      ffprobe: join(systemBin, 'ffprobe'),
      ffmpeg: join(systemBin, 'ffmpeg'),
      source: 'system',
    });
  });

  it('falls back to the binaries shipped in the npm packages', () => {
    const binaries = resolveMediaBinaries({ PATH: emptyBin });
    expect(binaries.source).toBe('npm');
    expect(binaries.ffprobe).toMatch(/@ffprobe-installer/);
    expect(binaries.ffmpeg).toMatch(/@ffmpeg-installer/);
    expect(existsSync(binaries.ffprobe) && existsSync(binaries.ffmpeg)).toBe(true);
  });

  it('answers the same environment from its cache', () => {
    const env = { PATH: emptyBin };
    expect(resolveMediaBinaries(env)).toBe(resolveMediaBinaries({ ...env }));
  });
});
