import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { EventSourcedCommandHandler } from '../../../../libs/eventstore/src/index.js';
import type { SshConnection } from '../../../../libs/gpu/src/index.js';
import { NodeContact } from './node-contact.js';

/** A command handler that records each report (stream, error, actor), slowly, and fails when told to. */
function recordingCommands() {
  const reports: [stream: string, error: string | null, actor: string][] = [];
  let failNext = false;
  const commands = {
    handle: async (_decider: unknown, stream: string, command: { error: string | null }, metadata: { actor: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failNext) {
        failNext = false;
        throw new Error('store unavailable');
      }
      reports.push([stream, command.error, metadata.actor]);
    },
  } as unknown as EventSourcedCommandHandler;
  return { commands, reports, failOnce: () => (failNext = true) };
}

const clock = { now: () => new Date('2026-12-04T01:00:00.000Z') };

describe('NodeContact', () => {
  it("reports the connection's first failed attempt and its next session, in order, each turn once", async () => {
    const { commands, reports } = recordingCommands();
    const contact = new NodeContact('gpu-a', commands, clock, 'system:worker', new Logger('test'));
    const connection = new EventEmitter();
    const unfollow = contact.follow(connection as unknown as SshConnection);

    connection.emit('connectFailed', { attempt: 1, maxAttempts: 5, error: 'connect ECONNREFUSED 127.0.0.1:22' });
    connection.emit('connectFailed', { attempt: 2, maxAttempts: 5, error: 'connect ECONNREFUSED 127.0.0.1:22' });
    connection.emit('ready', { attempt: 3 });
    await contact.reached();

    expect(reports).toEqual([
      ['gpunode-gpu-a', 'gpu-a: connect ECONNREFUSED 127.0.0.1:22', 'system:worker'],
      ['gpunode-gpu-a', null, 'system:worker'],
    ]);
    unfollow();
    connection.emit('connectFailed', { attempt: 1, maxAttempts: 5, error: 'closed by us' });
    await contact.reached();
    expect(reports).toHaveLength(2);
  });

  it('says a turn again after a report the store refused', async () => {
    const { commands, reports, failOnce } = recordingCommands();
    const contact = new NodeContact('gpu-a', commands, clock, 'system:worker', new Logger('test'));
    failOnce();
    await contact.lost('gpu-a: timed out');
    expect(reports).toEqual([]);
    await contact.lost('gpu-a: timed out');
    expect(reports).toEqual([['gpunode-gpu-a', 'gpu-a: timed out', 'system:worker']]);
  });
});
