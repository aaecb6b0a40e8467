import { type WarmCandidate, warmRoute, type WarmServerView } from './warm-start.js';

const job = (overrides: Partial<WarmCandidate> = {}): WarmCandidate => ({ incompatible: null, hints: ['edge'], numGpus: 1, wantLoadedHints: 0, ...overrides });
const server = (overrides: Partial<WarmServerView> = {}): WarmServerView => ({ status: 'idle', hints: ['edge'], numGpus: 1, loadMs: 20_000, coldOverheadMs: 21_000, ...overrides });

describe('warmRoute', () => {
  it('serves matching hints warm and starts a server that is not there', () => {
    expect(warmRoute(job(), server()).start).toBe('WARM');
    expect(warmRoute(job(), server({ status: 'absent', hints: null })).start).toBe('SERVER_STARTED');
  });

  it('sends what the server cannot serve to a cold run, saying why', () => {
    expect(warmRoute(job({ incompatible: 'fps 30' }), server())).toEqual({ start: 'COLD', why: 'fps 30' });
    expect(warmRoute(job({ numGpus: 2 }), server()).why).toBe('the model server runs on 1 GPU(s), the job asks 2');
  });

  it('reloads for other hints when that is cheaper than a cold run', () => {
    expect(warmRoute(job({ hints: ['depth'] }), server()).start).toBe('SERVER_RELOADED');
  });

  it('goes cold when the jobs behind want the loaded hints back (two reloads cost more)', () => {
    expect(warmRoute(job({ hints: ['depth'], wantLoadedHints: 3 }), server()).start).toBe('COLD');
  });

  it('goes cold when a measured cold run is cheaper than a reload', () => {
    expect(warmRoute(job({ hints: ['depth'] }), server({ loadMs: 30_000, coldOverheadMs: 5_000 })).start).toBe('COLD');
  });

  it('with nothing measured, reloads: the server pays one load where a cold run would pay the same', () => {
    expect(warmRoute(job({ hints: ['depth'] }), server({ loadMs: null, coldOverheadMs: null })).start).toBe('SERVER_RELOADED');
    expect(warmRoute(job({ hints: ['depth'] }), server({ hints: null, loadMs: 1000, coldOverheadMs: null, status: 'idle' })).start).toBe('COLD');
  });
});
