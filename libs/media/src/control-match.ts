import type { VideoFacts } from './video-probe.js';

type Shape = Pick<VideoFacts, 'frames' | 'width' | 'height'>;

/** Relative difference of aspect ratios allowed between a control video and the color video. */
export const ASPECT_TOLERANCE = 0.01;

/**
 * Why a control video cannot drive the model together with the color video, if it cannot.
 * The model resizes every input to the bucket of its aspect ratio and trims all to the shortest
 * length, so a different aspect crashes the run and a different length silently cuts it
 * (cosmos-transfer1 §1.5: "make every control video exactly as long as the input").
 */
export function controlMismatches(control: { name: string } & Shape, color: { name: string } & Shape): string[] {
  const problems: string[] = [];
  if (control.frames !== color.frames) {
    problems.push(`${control.name} has ${control.frames} frames but ${color.name} has ${color.frames}; the model needs them equal`);
  }
  const colorAspect = color.width / color.height;
  if (Math.abs(colorAspect - control.width / control.height) / colorAspect > ASPECT_TOLERANCE) {
    problems.push(
      `${control.name} is ${describeSize(control)} but ${color.name} is ${describeSize(color)}; the model needs the same aspect ratio`,
    );
  }
  return problems;
}

/** "640x360 (16:9)"; ratios that do not reduce to small numbers read better as decimals ("1.78:1"). */
export function describeSize({ width, height }: { width: number; height: number }): string {
  const divisor = gcd(width, height);
  const [w, h] = [width / divisor, height / divisor];
  const ratio = w <= 32 && h <= 32 ? `${w}:${h}` : `${(width / height).toFixed(2)}:1`;
  return `${width}x${height} (${ratio})`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
