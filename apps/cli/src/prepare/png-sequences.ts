/** The modalities a prepared input folder holds; color is the video, the others its controls. */
export const MODALITIES = ['color', 'depth', 'segmentation'] as const;
export type Modality = (typeof MODALITIES)[number];

const FRAME = /^(color|depth|segmentation)\.(\d+)\.png$/;
const FRAME_DIGITS = 4;

/** What a folder of PNG sequences holds, and every rule it breaks (the predecessor's rules). */
export interface SequenceCheck {
  /** Frame numbers per modality present, ascending. */
  readonly frames: Partial<Record<Modality, readonly number[]>>;
  /** The first color frame's number: ffmpeg's -start_number. */
  readonly start: number;
  readonly problems: readonly string[];
}

/**
 * Checks file names only (pure): color is required; frame numbers have four digits and no gaps
 * (the gaps are named); a control modality has exactly color's frames (the missing and the extra
 * are named); any other file is refused, a non-PNG one as such.
 */
export function checkSequences(fileNames: readonly string[]): SequenceCheck {
  const problems: string[] = [];
  const found: Partial<Record<Modality, number[]>> = {};
  for (const name of [...fileNames].sort()) {
    const match = FRAME.exec(name);
    if (match === null) {
      problems.push(name.toLowerCase().endsWith('.png') ? `unexpected file ${name}: frames are named <color|depth|segmentation>.NNNN.png` : `not a PNG: ${name}`);
      continue;
    }
    const [, modality, digits] = match as unknown as [string, Modality, string];
    if (digits.length !== FRAME_DIGITS) {
      problems.push(`${name}: frame numbers have ${FRAME_DIGITS} digits (${modality}.${'0'.repeat(FRAME_DIGITS - 1)}1.png)`);
      continue;
    }
    (found[modality] ??= []).push(Number(digits));
  }
  const color = (found.color ?? []).sort((a, b) => a - b);
  if (color.length === 0) problems.push('no color frames: color.NNNN.png is required');
  const start = color[0] ?? 1;
  const gaps = missingBetween(color);
  if (gaps.length > 0) problems.push(`color is missing frame(s) ${gaps.map(frameName).join(', ')}`);
  for (const modality of ['depth', 'segmentation'] as const) {
    const frames = found[modality]?.sort((a, b) => a - b);
    if (frames === undefined || color.length === 0) continue;
    const have = new Set(frames);
    const expected = new Set(color);
    const missing = color.filter((frame) => !have.has(frame));
    const extra = frames.filter((frame) => !expected.has(frame));
    if (missing.length > 0) problems.push(`${modality} lacks frame(s) color has: ${missing.map(frameName).join(', ')}`);
    if (extra.length > 0) problems.push(`${modality} has frame(s) color has not: ${extra.map(frameName).join(', ')}`);
  }
  return { frames: found, start, problems };
}

function missingBetween(sorted: readonly number[]): number[] {
  const missing: number[] = [];
  for (let i = 1; i < sorted.length; i++) for (let frame = sorted[i - 1]! + 1; frame < sorted[i]!; frame++) missing.push(frame);
  return missing;
}

function frameName(frame: number): string {
  return String(frame).padStart(FRAME_DIGITS, '0');
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), or null when the bytes are no PNG. */
export function pngSize(header: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (header.length < 24 || !header.subarray(0, 8).equals(signature) || header.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}
