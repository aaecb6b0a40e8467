import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfined } from './confined-path.js';

describe('resolveConfined', () => {
  let dir: string;
  let root: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-confined-'));
    root = join(dir, 'outputs');
    mkdirSync(join(root, 'run_a', 'logs'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    mkdirSync(join(dir, 'outputs-sibling'));
    writeFileSync(join(dir, 'outside', 'secret.txt'), 'secret');
    writeFileSync(join(dir, 'outputs-sibling', 'secret.txt'), 'secret');
    writeFileSync(join(root, 'run_a', 'output.mp4'), 'video');
    writeFileSync(join(root, 'run_a', 'logs', 'execution.log'), 'log');
    symlinkSync('output.mp4', join(root, 'run_a', 'latest.mp4'));
    symlinkSync(join(dir, 'outside', 'secret.txt'), join(root, 'run_a', 'escape.txt'));
    symlinkSync('../../outputs-sibling/secret.txt', join(root, 'run_a', 'sibling.txt'));
    symlinkSync(join(dir, 'outside'), join(root, 'run_a', 'escape-dir'));
    symlinkSync('missing.mp4', join(root, 'run_a', 'dangling.mp4'));
    symlinkSync(root, join(root, 'run_a', 'loop'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the real path of a regular file inside the root', async () => {
    expect(await resolveConfined(root, 'run_a/logs/execution.log')).toBe(join(realpathSync(root), 'run_a', 'logs', 'execution.log'));
  });

  it('resolves a symlink that stays inside the root to its target', async () => {
    expect(await resolveConfined(root, 'run_a/latest.mp4')).toBe(join(realpathSync(root), 'run_a', 'output.mp4'));
  });

  it('works through a root that is itself reached by a symlink', async () => {
    symlinkSync(root, join(dir, 'outputs-link'));
    expect(await resolveConfined(join(dir, 'outputs-link'), 'run_a/output.mp4')).toBe(join(realpathSync(root), 'run_a', 'output.mp4'));
  });

  it.each([
    ['an absolute path', () => join(root, 'run_a', 'output.mp4')],
    ['an absolute path outside', () => join(dir, 'outside', 'secret.txt')],
    ['a .. escape', () => '../outside/secret.txt'],
    ['a .. that would come back inside', () => 'run_a/../run_a/output.mp4'],
    ['a .. to a sibling whose name starts like the root', () => '../outputs-sibling/secret.txt'],
    ['a . segment', () => './run_a/output.mp4'],
    ['an empty segment', () => 'run_a//output.mp4'],
    ['a trailing slash', () => 'run_a/output.mp4/'],
    ['a NUL byte', () => 'run_a/output.mp4\0.txt'],
    ['backslashes', () => 'run_a\\output.mp4'],
    ['a backslash escape', () => '..\\outside\\secret.txt'],
    ['a drive letter', () => 'C:/Windows/win.ini'],
    ['the empty path', () => ''],
    ['a symlink to a file outside', () => 'run_a/escape.txt'],
    ['a relative symlink climbing out', () => 'run_a/sibling.txt'],
    ['a path through a symlinked folder outside', () => 'run_a/escape-dir/secret.txt'],
    ['a dangling symlink', () => 'run_a/dangling.mp4'],
    ['a symlink to the root itself', () => 'run_a/loop'],
    ['a folder', () => 'run_a/logs'],
    ['a missing file', () => 'run_a/missing.mp4'],
  ])('refuses %s', async (_, relative) => {
    expect(await resolveConfined(root, relative())).toBeNull();
  });

  it('refuses everything when the root does not exist', async () => {
    expect(await resolveConfined(join(dir, 'not-created'), 'run_a/output.mp4')).toBeNull();
  });
});
