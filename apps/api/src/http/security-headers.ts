import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The playground is the one page served here, and it runs only our own bundle: no inline or
 * foreign scripts, no framing by other sites. GraphiQL sets inline styles, hence 'unsafe-inline'
 * for styles alone; fonts are inlined as data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** On every response, before anything else answers. */
export function securityHeaders(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('cross-origin-opener-policy', 'same-origin');
  next();
}
