import { slotClaims } from './gpu-slots.js';

const EIGHT = [0, 1, 2, 3, 4, 5, 6, 7];
const job = (jobId: string, numGpus: number | null = 1) => ({ jobId, numGpus });

describe('slotClaims', () => {
  it('gives each job the lowest free GPUs, none of them busy', () => {
    expect(slotClaims(EIGHT, new Set([0, 1, 5]), [job('a', 2), job('b')])).toEqual([
      { jobId: 'a', gpus: [2, 3] },
      { jobId: 'b', gpus: [2] },
    ]);
  });

  it('offers nothing when every GPU is busy', () => {
    expect(slotClaims([0, 1], new Set([0, 1]), [job('a')])).toEqual([]);
  });

  it('keeps the first job that does not fit from being starved: nothing behind it starts here', () => {
    // Six of eight GPUs busy: the 4-GPU job at the head waits, and the 1-GPU jobs behind it wait too,
    // so the GPUs the running jobs give back gather for it.
    expect(slotClaims(EIGHT, new Set([0, 1, 2, 3, 4, 5]), [job('big', 4), job('small-1'), job('small-2')])).toEqual([]);
    // Ahead of it in the queue, a small job still runs.
    expect(slotClaims(EIGHT, new Set([0, 1, 2, 3, 4, 5]), [job('small-0'), job('big', 4), job('small-1')])).toEqual([{ jobId: 'small-0', gpus: [6] }]);
    // Once four are free, the big job goes first.
    expect(slotClaims(EIGHT, new Set([0, 1, 2, 3]), [job('big', 4), job('small-1')])).toEqual([
      { jobId: 'big', gpus: [4, 5, 6, 7] },
      { jobId: 'small-1', gpus: [4] },
    ]);
  });

  it('passes over a job that needs more GPUs than the node has, reserving nothing for it', () => {
    expect(slotClaims([0, 1], new Set(), [job('eight', 8), job('one')])).toEqual([{ jobId: 'one', gpus: [0] }]);
  });

  it('gives a job queued before slots the whole node, only when all of it is free', () => {
    expect(slotClaims([2, 3], new Set(), [job('old', null)])).toEqual([{ jobId: 'old', gpus: [2, 3] }]);
    expect(slotClaims([2, 3], new Set([3]), [job('old', null), job('new')])).toEqual([]);
  });
});
