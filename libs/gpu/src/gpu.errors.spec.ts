import { isNodeUnreachable, SshAuthFailed, SshConnectionLost, SshTimeout, SshUnavailable, TransferFailed } from './gpu.errors.js';

describe('isNodeUnreachable', () => {
  it('is a node that lets nobody in: no connection after every attempt, or a login it refuses', () => {
    expect(isNodeUnreachable(new SshUnavailable('gpu-a', 5, 'connect ECONNREFUSED 127.0.0.1:22'))).toBe(true);
    expect(isNodeUnreachable(new SshAuthFailed('gpu-a', 'all configured authentication methods failed'))).toBe(true);
  });

  it('is not a session that dropped (the next attempt decides), a slow command or a failed transfer', () => {
    expect(isNodeUnreachable(new SshConnectionLost('gpu-a', 'socket closed'))).toBe(false);
    expect(isNodeUnreachable(new SshTimeout('gpu-a', 'docker', 1000))).toBe(false);
    expect(isNodeUnreachable(new TransferFailed('gpu-a', 'IO', 'no space left'))).toBe(false);
    expect(isNodeUnreachable(new Error('boom'))).toBe(false);
  });
});
