import { jest } from '@jest/globals';

/**
 * Applies the tier's `globals.tierTimeoutMs` to its tests and hooks. Jest's circus runner ignores
 * a project's own `testTimeout` (only the global one reaches it), so a tier sets it here.
 */
const timeout = (globalThis as { tierTimeoutMs?: unknown }).tierTimeoutMs;
if (typeof timeout === 'number') jest.setTimeout(timeout);
