import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ids } from '../../../domain/src/index.js';
import { OutputFolderError } from './output-folder.error.js';
import { deleteRunFolder, findOrphanFolders, listRunFiles, missingFiles, runFolder, summarizeFiles } from './output-folders.js';

describe('run output folders on disk', () => {
  let dir: string;
  let root: string;
  let outside: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-outputs-'));
    root = join(dir, 'outputs');
    outside = join(dir, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.mp4'), Buffer.alloc(777));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A run folder holding files of the given sizes (paths relative to the run folder). */
  function runWith(files: Record<string, number>): string {
    const runId = ids.run();
    for (const [relative, size] of Object.entries(files)) {
      const file = join(runFolder(root, runId), relative);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, Buffer.alloc(size));
    }
    return runId;
  }

  describe('listRunFiles', () => {
    it('lists regular files recursively, relative to the root with / separators, sorted', async () => {
      const runId = runWith({ 'output.mp4': 3000, 'logs/execution.log': 12, 'inputs/spec.json': 40 });
      expect(await listRunFiles(root, runId)).toEqual([
        { path: `run_${runId}/inputs/spec.json`, sizeBytes: 40 },
        { path: `run_${runId}/logs/execution.log`, sizeBytes: 12 },
        { path: `run_${runId}/output.mp4`, sizeBytes: 3000 },
      ]);
    });

    it('neither follows nor lists symlinks', async () => {
      const runId = runWith({ 'output.mp4': 10 });
      symlinkSync(join(outside, 'keep.mp4'), join(runFolder(root, runId), 'linked.mp4'));
      symlinkSync(outside, join(runFolder(root, runId), 'linked-dir'));
      expect(await listRunFiles(root, runId)).toEqual([{ path: `run_${runId}/output.mp4`, sizeBytes: 10 }]);
    });

    it('answers [] for a run without a folder, and for a missing root', async () => {
      expect(await listRunFiles(root, ids.run())).toEqual([]);
      expect(await listRunFiles(join(dir, 'not-created'), ids.run())).toEqual([]);
    });

    it('refuses a run folder that is a symlink', async () => {
      const runId = ids.run();
      symlinkSync(outside, runFolder(root, runId));
      await expect(listRunFiles(root, runId)).rejects.toThrow(new OutputFolderError('NOT_A_RUN_FOLDER', `run_${runId} is a symlink, not a run folder`));
    });

    it('feeds a deletion preview', async () => {
      const runId = runWith({
        'output.mp4': 40 * 1024 ** 2,
        'depth_input_control_0.mp4': 5 * 1024 ** 2,
        'edge_input_control_0.mp4': Math.round(0.2 * 1024 ** 2),
        'manifest.json': 1000,
        'spec.json': 331,
        'execution.log': 2048,
      });
      const summary = summarizeFiles(await listRunFiles(root, runId));
      expect(summary.text).toBe('3 mp4 files (45.2 MB), 1 log file (2.0 KB), 2 json files (1.3 KB)');
      expect(summary.totalFiles).toBe(6);
      expect(summary.totalSize).toBe('45.2 MB');
    });
  });

  describe('deleteRunFolder', () => {
    it('removes the run folder and reports what went with it', async () => {
      const runId = runWith({ 'output.mp4': 3000, 'logs/execution.log': 12 });
      const other = runWith({ 'output.mp4': 5 });
      expect(await deleteRunFolder(root, runId)).toEqual({ deletedFiles: 2, deletedBytes: 3012 });
      expect(existsSync(runFolder(root, runId))).toBe(false);
      expect(await listRunFiles(root, other)).toEqual([{ path: `run_${other}/output.mp4`, sizeBytes: 5 }]);
    });

    it('is idempotent: deleting again, or a run that never had a folder, deletes nothing', async () => {
      const runId = runWith({ 'output.mp4': 3000 });
      await deleteRunFolder(root, runId);
      expect(await deleteRunFolder(root, runId)).toEqual({ deletedFiles: 0, deletedBytes: 0 });
      expect(await deleteRunFolder(root, ids.run())).toEqual({ deletedFiles: 0, deletedBytes: 0 });
      expect(await deleteRunFolder(join(dir, 'not-created'), ids.run())).toEqual({ deletedFiles: 0, deletedBytes: 0 });
    });

    it('survives two deletions of the same run at once', async () => {
      const runId = runWith(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`frames/${i}.jpg`, 10])));
      const results = await Promise.all([deleteRunFolder(root, runId), deleteRunFolder(root, runId)]);
      expect(results.every((result) => result.deletedFiles <= 50)).toBe(true);
      expect(existsSync(runFolder(root, runId))).toBe(false);
    });

    it('removes links inside the folder as links, leaving their targets alone', async () => {
      const runId = runWith({ 'output.mp4': 10 });
      symlinkSync(join(outside, 'keep.mp4'), join(runFolder(root, runId), 'linked.mp4'));
      symlinkSync(outside, join(runFolder(root, runId), 'linked-dir'));
      expect(await deleteRunFolder(root, runId)).toEqual({ deletedFiles: 1, deletedBytes: 10 });
      expect(readFileSync(join(outside, 'keep.mp4'))).toHaveLength(777);
    });

    it('refuses a run folder that is a symlink, deleting neither the link nor its target', async () => {
      const runId = ids.run();
      symlinkSync(outside, runFolder(root, runId));
      await expect(deleteRunFolder(root, runId)).rejects.toMatchObject({ code: 'NOT_A_RUN_FOLDER' });
      expect(existsSync(join(outside, 'keep.mp4'))).toBe(true);
      expect(existsSync(runFolder(root, runId))).toBe(true);
    });

    it('refuses a run_<id> that is a file', async () => {
      const runId = ids.run();
      writeFileSync(runFolder(root, runId), 'not a folder');
      await expect(deleteRunFolder(root, runId)).rejects.toThrow(`run_${runId} is a file, not a run folder`);
    });

    it.each(['..', '../outside', 'rs_x', '', `${ids.run()}/..`])('refuses the id %j without touching the disk', async (runId) => {
      await expect(deleteRunFolder(root, runId)).rejects.toMatchObject({ code: 'INVALID_RUN_ID' });
      expect(existsSync(join(outside, 'keep.mp4'))).toBe(true);
      expect(existsSync(root)).toBe(true);
    });
  });

  describe('findOrphanFolders', () => {
    it('finds run folders whose run is unknown, as sorted run ids', async () => {
      const known = runWith({ 'output.mp4': 1 });
      const orphans = [runWith({ 'output.mp4': 1 }), runWith({ 'spec.json': 1 })];
      expect(await findOrphanFolders(root, new Set([known]))).toEqual(orphans.sort());
    });

    it('ignores what is not a run folder: other names, files, symlinks', async () => {
      mkdirSync(join(root, 'batch_20260101'));
      mkdirSync(join(root, 'run_not-an-id'));
      writeFileSync(join(root, `run_${ids.run()}`), 'a file');
      symlinkSync(outside, join(root, `run_${ids.run()}`));
      writeFileSync(join(root, 'cosmos.db'), '');
      expect(await findOrphanFolders(root, new Set())).toEqual([]);
    });

    it('answers [] for a missing root', async () => {
      expect(await findOrphanFolders(join(dir, 'not-created'), new Set())).toEqual([]);
    });
  });

  describe('missingFiles', () => {
    it('answers the paths that are not regular files inside the root, in the order given', async () => {
      const runId = runWith({ 'output.mp4': 10, 'logs/execution.log': 1 });
      symlinkSync(join(outside, 'keep.mp4'), join(runFolder(root, runId), 'escape.mp4'));
      const present = [`run_${runId}/output.mp4`, `run_${runId}/logs/execution.log`];
      const absent = [`run_${runId}/gone.mp4`, `run_${runId}/logs`, `run_${runId}/escape.mp4`, '../outside/keep.mp4', join(outside, 'keep.mp4')];
      expect(await missingFiles(root, [absent[0], ...present, ...absent.slice(1)])).toEqual(absent);
    });

    it('answers [] for no paths', async () => {
      expect(await missingFiles(root, [])).toEqual([]);
    });
  });
});
