import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The offset of the first byte that is not part of well-formed UTF-8, or -1 (to name it in a refusal). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) {
    const lead = bytes[at]!;
    const [length, lowest] = lead < 0x80 ? [1, 0] : lead >= 0xc2 && lead <= 0xdf ? [2, 0x80] : lead >= 0xe0 && lead <= 0xef ? [3, 0x800] : lead >= 0xf0 && lead <= 0xf4 ? [4, 0x10000] : [0, 0];
    if (length === 0 || at + length > bytes.length) return at;
    let code = length === 1 ? lead : lead & (0xff >> (length + 1));
    for (let next = 1; next < length; next++) {
      const byte = bytes[at + next]!;
      if ((byte & 0xc0) !== 0x80) return at;
      code = (code << 6) | (byte & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are not UTF-8 either.
    if (code < lowest || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return at;
    at += length;
  }
  return -1;
}

class BodyRefused extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * express.json's `verify`: a body that is not UTF-8 is refused, not silently given U+FFFD. Node's
 * native check runs on every body; the byte is looked for only in one refused.
 */
export function refuseInvalidUtf8(_request: IncomingMessage, _response: ServerResponse, body: Buffer): void {
  if (isUtf8(body)) return;
  throw new BodyRefused(400, 'INVALID_UTF8', `The request body is not valid UTF-8 (byte ${firstInvalidUtf8Byte(body)})`);
}

const PARSER_ERRORS: Record<string, [status: number, code: string]> = {
  'entity.parse.failed': [400, 'MALFORMED_JSON'],
  'entity.too.large': [413, 'BODY_TOO_LARGE'],
  'encoding.unsupported': [415, 'UNSUPPORTED_ENCODING'],
  'charset.unsupported': [415, 'UNSUPPORTED_CHARSET'],
};

/**
 * Express error middleware after the JSON parser: its refusals answer as typed JSON, like every
 * other refusal here (express would send an HTML page with a stack trace outside production).
 */
export function jsonBodyErrors(error: unknown, _request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
  const refused = refusalOf(error);
  if (!refused) return next(error);
  response.writeHead(refused.status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ code: refused.code, message: refused.message }));
}

function refusalOf(error: unknown): { status: number; code: string; message: string } | null {
  if (error instanceof BodyRefused) return { status: error.status, code: error.code, message: error.message };
  const type = (error as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? PARSER_ERRORS[type] : undefined;
  return known ? { status: known[0], code: known[1], message: (error as Error).message } : null;
}
