import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8Byte } from './json-body.js';

describe('firstInvalidUtf8Byte', () => {
  it('finds the first bad byte: stray continuation, truncated, overlong, surrogate, beyond U+10FFFF', () => {
    expect(firstInvalidUtf8Byte(Buffer.from('a 🎬 naïve שלום'))).toBe(-1);
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0x80]))).toBe(1);
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8Byte(Buffer.from([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8Byte(Buffer.from([0xe0, 0x80, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8Byte(Buffer.from([0x62, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8Byte(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });

  it("agrees with Node's own validator on random byte strings", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.5 ? Math.floor(random() * 0x80) : 0x80 + Math.floor(random() * 0x80))));
      expect({ bytes: bytes.toString('hex'), valid: firstInvalidUtf8Byte(bytes) === -1 }).toEqual({ bytes: bytes.toString('hex'), valid: isUtf8(bytes) });
    }
  });
});
