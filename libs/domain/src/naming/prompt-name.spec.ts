import { isValidPromptName } from './prompt-name.js';
import { isRelativePosixPath } from './relative-path.js';

describe('isValidPromptName', () => {
  it.each(['city', 'futuristic_cyberpunk_city', 'Take-2.v1', 'a', 'x'.repeat(100)])('accepts %j', (name) => {
    expect(isValidPromptName(name)).toBe(true);
  });

  it.each(['', 'x'.repeat(101), 'two words', 'slash/name', 'ünïcode', 'tab\tname', 'semi;colon'])('refuses %j', (name) => {
    expect(isValidPromptName(name)).toBe(false);
  });
});

describe('isRelativePosixPath', () => {
  it.each(['color.mp4', 'city_20260101/color.mp4', 'a/b/c.json', 'rs_1/.hidden'])('accepts %j', (path) => {
    expect(isRelativePosixPath(path)).toBe(true);
  });

  it.each(['', '/abs/color.mp4', '../up.mp4', 'a/../b', 'a/./b', 'a//b', 'dir/', 'win\\path.mp4', 'C:/x.mp4', 'nul\0.mp4'])(
    'refuses %j',
    (path) => {
      expect(isRelativePosixPath(path)).toBe(false);
    },
  );
});
