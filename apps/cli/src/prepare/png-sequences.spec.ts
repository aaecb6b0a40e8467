import { checkSequences, pngSize } from './png-sequences.js';

const frames = (modality: string, numbers: readonly number[]) => numbers.map((n) => `${modality}.${String(n).padStart(4, '0')}.png`);

describe('checkSequences', () => {
  it('given color with its controls frame for frame, finds no problem and starts at the first frame', () => {
    const check = checkSequences([...frames('color', [3, 4, 5]), ...frames('depth', [3, 4, 5]), ...frames('segmentation', [3, 4, 5])]);
    expect(check).toEqual({ frames: { color: [3, 4, 5], depth: [3, 4, 5], segmentation: [3, 4, 5] }, start: 3, problems: [] });
  });

  it('names the gaps in color, and what a control lacks or has beyond color', () => {
    const check = checkSequences([...frames('color', [1, 2, 5, 7]), ...frames('depth', [1, 2, 5, 7, 8]), ...frames('segmentation', [1, 5, 7])]);
    expect(check.problems).toEqual([
      'color is missing frame(s) 0003, 0004, 0006',
      'depth has frame(s) color has not: 0008',
      'segmentation lacks frame(s) color has: 0002',
    ]);
  });

  it('requires color, four-digit frame numbers, and refuses unexpected and non-PNG files', () => {
    const check = checkSequences(['depth.0001.png', 'color.01.png', 'notes.txt', 'thumb.png', 'color.00001.png']);
    expect(check.problems).toEqual([
      'color.00001.png: frame numbers have 4 digits (color.0001.png)',
      'color.01.png: frame numbers have 4 digits (color.0001.png)',
      'not a PNG: notes.txt',
      'unexpected file thumb.png: frames are named <color|depth|segmentation>.NNNN.png',
      'no color frames: color.NNNN.png is required',
    ]);
  });
});

describe('pngSize', () => {
  it('reads width and height from the IHDR chunk, and refuses bytes that are no PNG', () => {
    const header = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
    header.write('IHDR', 12, 'ascii');
    header.writeUInt32BE(1280, 16);
    header.writeUInt32BE(704, 20);
    expect(pngSize(header)).toEqual({ width: 1280, height: 704 });
    expect(pngSize(Buffer.from('GIF89a and more bytes than twenty-four'))).toBeNull();
  });
});
