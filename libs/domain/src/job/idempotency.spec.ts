import { deciderSpec } from '../../../testing/src/index.js';
import { fold } from '../shared/decider.js';
import { InvalidInput } from '../shared/domain-error.js';
import {
  type IdempotencyKeyReserved,
  idempotencyDecider,
  idempotencyKeyProblem,
  idempotencyStream,
  requestDifferences,
  type ReserveIdempotencyKey,
  reservedJobId,
} from './idempotency.js';

const spec = deciderSpec(idempotencyDecider);
const t0 = '2026-11-28T10:00:00.000Z';
const reserve = (jobId: string, key = 'cli:ana:2026-11-28.1'): ReserveIdempotencyKey => ({ type: 'ReserveIdempotencyKey', key, jobId, now: t0 });
const reserved: IdempotencyKeyReserved = { type: 'IdempotencyKeyReserved', data: { jobId: 'job_aaaaaaaaaaaa', at: t0 } };

describe('idempotency keys', () => {
  it('names one stream per key, verbatim', () => {
    expect(idempotencyStream('cli:ana:2026-11-28.1')).toBe('idempotency-cli:ana:2026-11-28.1');
    expect(idempotencyStream('x'.repeat(128))).toBe(`idempotency-${'x'.repeat(128)}`);
  });

  it.each(['', 'a b', 'a/b', 'ключ', 'x'.repeat(129)])('refuses the key %p', (key) => {
    expect(() => idempotencyStream(key)).toThrow(InvalidInput);
    expect(() => idempotencyStream(key)).toThrow(/input\.idempotencyKey: must be 1 to 128 letters, digits/);
  });

  it('refuses a key that is not a string', () => {
    expect(idempotencyKeyProblem(42)).toBe("must be 1 to 128 letters, digits, '.', '_', ':' or '-' (got 42)");
  });

  it('reserves a free key for a job', () => {
    spec.given([]).when(reserve('job_aaaaaaaaaaaa')).then([reserved]);
  });

  it('treats reserving a reserved key as a no-op, and the holder stays', () => {
    spec.given([reserved]).when(reserve('job_bbbbbbbbbbbb')).then([]);
    spec.given([reserved]).when(reserve('job_aaaaaaaaaaaa')).then([]);
    expect(reservedJobId(fold(idempotencyDecider, [reserved]))).toBe('job_aaaaaaaaaaaa');
  });

  it('has no job for a free key', () => {
    expect(reservedJobId(fold(idempotencyDecider, []))).toBeNull();
    spec.given([]).thenState({ status: 'Free' });
  });

  it('refuses a malformed key before reserving', () => {
    spec.given([]).when(reserve('job_aaaaaaaaaaaa', 'has space')).thenThrows(InvalidInput, /got "has space"/);
  });

  it('keeps the first holder if a second reservation were ever stored', () => {
    const second: IdempotencyKeyReserved = { type: 'IdempotencyKeyReserved', data: { jobId: 'job_bbbbbbbbbbbb', at: t0 } };
    spec.given([reserved, second]).thenState({ status: 'Reserved', jobId: 'job_aaaaaaaaaaaa', reservedAt: t0 });
  });
});

describe('requestDifferences', () => {
  const request = { kind: 'inference', promptIds: ['ps_a'], config: { seed: 3, weights: { vis: 0.5, edge: 0.5 } }, priority: 50 };

  it('finds none for the same request, however the config keys are ordered', () => {
    expect(requestDifferences(request, { ...request, config: { weights: { edge: 0.5, vis: 0.5 }, seed: 3 } })).toEqual([]);
  });

  it('names each parameter the key binds that differs', () => {
    expect(requestDifferences(request, { kind: 'batch_inference', promptIds: ['ps_a', 'ps_b'], config: { seed: 4 }, priority: 80 })).toEqual(['kind', 'prompts', 'config', 'priority']);
    expect(requestDifferences(request, { ...request, config: { ...request.config, weights: { vis: 0.6, edge: 0.4 } } })).toEqual(['config']);
  });

  it("names a different negative prompt for the same prompts, and compares none an older event did not keep", () => {
    const own = { ...request, prompts: { ps_a: { negativePrompt: 'blurry' } } };
    expect(requestDifferences(own, { ...request, prompts: { ps_a: { negativePrompt: 'grainy' } } })).toEqual(['negativePrompt']);
    expect(requestDifferences(own, { ...own })).toEqual([]);
    expect(requestDifferences({ ...request, prompts: null }, own)).toEqual([]);
  });
});
