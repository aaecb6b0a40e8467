import { MAX_LINE_CHARS, OutputCapture } from './output-capture.js';

function capture(keep: 'head' | 'tail', maxBytes = 1024) {
  const lines: string[] = [];
  const output = new OutputCapture(keep, maxBytes, (line) => lines.push(line));
  return { output, lines };
}

describe('OutputCapture', () => {
  it('hands on complete lines as they arrive and the unterminated last one at the end', () => {
    const { output, lines } = capture('head');

    output.write(Buffer.from('one\ntw'));
    expect(lines).toEqual(['one']);
    output.write(Buffer.from('o\r\nthree'));
    expect(lines).toEqual(['one', 'two']);
    output.end();

    expect(lines).toEqual(['one', 'two', 'three']);
    expect(output.text).toBe('one\ntwo\r\nthree');
    expect(output.truncated).toBe(false);
  });

  it('keeps empty lines and decodes a character split across chunks', () => {
    const { output, lines } = capture('head');
    const bytes = Buffer.from('\n🎬 naïve\n');

    for (const byte of bytes) output.write(Buffer.from([byte]));
    output.end();

    expect(lines).toEqual(['', '🎬 naïve']);
    expect(output.text).toBe('\n🎬 naïve\n');
  });

  it('keeps the head up to the limit and says it dropped the rest', () => {
    const { output, lines } = capture('head', 5);

    output.write(Buffer.from('abc\n'));
    output.write(Buffer.from('defgh\n'));
    output.end();

    expect(output.text).toBe('abc\nd');
    expect(output.truncated).toBe(true);
    expect(lines).toEqual(['abc', 'defgh']);
  });

  it('keeps the tail up to the limit', () => {
    const { output } = capture('tail', 6);

    output.write(Buffer.from('abc\n'));
    output.write(Buffer.from('defgh\n'));

    expect(output.text).toBe('defgh\n');
    expect(output.truncated).toBe(true);
  });

  it('hands on an endless line in pieces instead of holding it', () => {
    const { output, lines } = capture('tail', 16);

    output.write(Buffer.from('x'.repeat(MAX_LINE_CHARS * 2 + 3)));

    expect(lines).toEqual(['x'.repeat(MAX_LINE_CHARS), 'x'.repeat(MAX_LINE_CHARS)]);
    output.end();
    expect(lines.at(-1)).toBe('xxx');
  });
});
