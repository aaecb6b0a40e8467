import { formatSize, runFolder, summarizeFiles } from './output-folders.js';
import { OutputFolderError } from './output-folder.error.js';

const runId = 'rs_0123456789abcdef0123456789abcdef';

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1, '1.0 B'],
    [1023, '1023.0 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [1331, '1.3 KB'],
    [Math.round(45.2 * 1024 ** 2), '45.2 MB'],
    [1024 ** 2 - 1, '1.0 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
    [2.5 * 1024 ** 4, '2.5 TB'],
    [5000 * 1024 ** 4, '5000.0 TB'],
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (bytes) => {
    expect(() => formatSize(bytes)).toThrow(RangeError);
  });
});

describe('summarizeFiles', () => {
  const mb = 1024 ** 2;

  it('groups by extension, largest first, in words the preview shows as they are', () => {
    const summary = summarizeFiles([
      { path: `run_${runId}/manifest.json`, sizeBytes: 1000 },
      { path: `run_${runId}/output.mp4`, sizeBytes: 40 * mb },
      { path: `run_${runId}/depth_input_control_0.mp4`, sizeBytes: 5 * mb },
      { path: `run_${runId}/edge_input_control_0.MP4`, sizeBytes: Math.round(0.2 * mb) },
      { path: `run_${runId}/spec.json`, sizeBytes: 331 },
      { path: `run_${runId}/execution.log`, sizeBytes: 10 },
    ]);
    expect(summary).toEqual({
      totalFiles: 6,
      totalBytes: 45 * mb + Math.round(0.2 * mb) + 1341,
      totalSize: '45.2 MB',
      byType: [
        { extension: 'mp4', count: 3, bytes: 45 * mb + Math.round(0.2 * mb), size: '45.2 MB' },
        { extension: 'json', count: 2, bytes: 1331, size: '1.3 KB' },
        { extension: 'log', count: 1, bytes: 10, size: '10.0 B' },
      ],
      text: '3 mp4 files (45.2 MB), 2 json files (1.3 KB), 1 log file (10.0 B)',
    });
  });

  it('calls files without an extension "other" and breaks size ties by count, then name', () => {
    const summary = summarizeFiles([
      { path: 'run_x/README', sizeBytes: 10 },
      { path: 'run_x/.gitkeep', sizeBytes: 0 },
      { path: 'run_x/b.txt', sizeBytes: 10 },
      { path: 'run_x/a.log', sizeBytes: 5 },
      { path: 'run_x/c.log', sizeBytes: 5 },
    ]);
    expect(summary.byType.map((type) => type.extension)).toEqual(['', 'log', 'txt']);
    expect(summary.text).toBe('2 other files (10.0 B), 2 log files (10.0 B), 1 txt file (10.0 B)');
  });

  it('summarises nothing as "no files"', () => {
    expect(summarizeFiles([])).toEqual({ totalFiles: 0, totalBytes: 0, totalSize: '0 B', byType: [], text: 'no files' });
  });
});

describe('runFolder', () => {
  it('is run_<runId> directly under the root', () => {
    expect(runFolder('/srv/outputs/', runId)).toBe(`/srv/outputs/run_${runId}`);
  });

  it.each(['', 'rs_1', '../rs_0123456789abcdef0123456789abcdef', 'rs_0123456789ABCDEF0123456789ABCDEF', `${runId}/..`, 'ps_0123456789abcdef0123456789abcdef'])(
    'refuses %j',
    (bad) => {
      expect(() => runFolder('/srv/outputs', bad)).toThrow(OutputFolderError);
    },
  );
});
