import { RemotePathRefused } from './gpu.errors.js';
import { isInside, resolveRemotePath } from './remote-path.js';

const node = { name: 'gpu-1', remoteDir: '/srv/cosmos' };

describe('resolveRemotePath', () => {
  it('takes relative paths from the remote folder and normalizes absolute ones', () => {
    expect(resolveRemotePath(node, 'runs/rs_1/inputs/spec.json', { allowRoot: false })).toBe('/srv/cosmos/runs/rs_1/inputs/spec.json');
    expect(resolveRemotePath(node, '/srv/cosmos/runs//rs_1/./outputs/', { allowRoot: false })).toBe('/srv/cosmos/runs/rs_1/outputs');
    expect(resolveRemotePath(node, 'runs/../outputs', { allowRoot: false })).toBe('/srv/cosmos/outputs');
  });

  it('allows the remote folder itself only when asked', () => {
    expect(resolveRemotePath(node, '/srv/cosmos/', { allowRoot: true })).toBe('/srv/cosmos');
    expect(() => resolveRemotePath(node, '.', { allowRoot: false })).toThrow(/remote folder itself/);
  });

  it.each([
    ['/', /outside/],
    ['/srv/cosmos-other/runs', /outside/],
    ['/srv', /outside/],
    ['../cosmos-other', /outside/],
    ['runs/../../..', /outside/],
    ['/etc/passwd', /outside/],
    ['runs\\..\\..', /backslash/],
    ['runs/\0', /NUL/],
    ['', /empty/],
  ])('refuses %j', (path, message) => {
    const attempt = () => resolveRemotePath(node, path, { allowRoot: true });
    expect(attempt).toThrow(RemotePathRefused);
    expect(attempt).toThrow(message);
  });
});

describe('isInside', () => {
  it('is strict and does not confuse sibling prefixes', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
  });
});
