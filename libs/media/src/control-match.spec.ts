import { controlMismatches, describeSize } from './control-match.js';

const color = { name: 'color.mp4', frames: 90, width: 640, height: 360 };

describe('controlMismatches', () => {
  it('accepts a control of the same length and aspect, whatever its size', () => {
    expect(controlMismatches({ name: 'depth.mp4', frames: 90, width: 1280, height: 720 }, color)).toEqual([]);
  });

  it('accepts an aspect within 1% of the color video', () => {
    expect(controlMismatches({ name: 'depth.mp4', frames: 90, width: 1290, height: 720 }, color)).toEqual([]);
    expect(controlMismatches({ name: 'depth.mp4', frames: 90, width: 1280, height: 704 }, color)).toHaveLength(1);
  });

  it('reports a different frame count', () => {
    expect(controlMismatches({ name: 'depth.mp4', frames: 60, width: 640, height: 360 }, color)).toEqual([
      'depth.mp4 has 60 frames but color.mp4 has 90; the model needs them equal',
    ]);
  });

  it('reports a different aspect ratio', () => {
    expect(controlMismatches({ name: 'segmentation.mp4', frames: 90, width: 640, height: 640 }, color)).toEqual([
      'segmentation.mp4 is 640x640 (1:1) but color.mp4 is 640x360 (16:9); the model needs the same aspect ratio',
    ]);
  });

  it('reports both when both differ', () => {
    expect(controlMismatches({ name: 'depth.mp4', frames: 1, width: 360, height: 640 }, color)).toHaveLength(2);
  });
});

describe('describeSize', () => {
  it.each([
    [640, 360, '640x360 (16:9)'],
    [640, 480, '640x480 (4:3)'],
    [704, 1280, '704x1280 (11:20)'],
    [1920, 1081, '1920x1081 (1.78:1)'],
  ])('%ix%i → %s', (width, height, expected) => {
    expect(describeSize({ width, height })).toBe(expected);
  });
});
