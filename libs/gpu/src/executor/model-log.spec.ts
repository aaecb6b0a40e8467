import { classifyExit } from './exit-classification.js';
import { ModelLogReader } from './model-log.js';

const read = (lines: readonly string[]) => {
  const reader = new ModelLogReader();
  const percents = lines.map((line) => reader.read(line));
  return { percents, facts: reader.facts };
};

describe('ModelLogReader', () => {
  it('derives a rising percent from tqdm step counters, the last bar of a redrawn line winning', () => {
    const { percents } = read([
      '[05-01 10:00:00|INFO|transfer.py:120:demo] Starting diffusion sampling',
      ' 10%|█         | 1/10 [00:00<00:01,  9.00it/s]',
      ' 10%|█         | 1/10 [00:00<00:01,  9.00it/s]',
      ' 20%|██        | 2/10 [00:00<00:01,  9.00it/s]\r 30%|███       | 3/10 [00:00<00:01,  9.00it/s]',
      '100%|██████████| 10/10 [00:01<00:00,  9.00it/s]',
    ]);
    expect(percents).toEqual([null, 10, null, 30, 100]);
  });

  it('notes the guardrail, a rejected spec, CUDA OOM and the last exception', () => {
    expect(read(['[05-01 10:00:00|CRITICAL|guardrail.py:1:run] GUARDRAIL BLOCKED: unsafe', 'TypeError: cannot unpack']).facts).toEqual({
      guardrail: 'unsafe',
      badSpec: null,
      cudaOutOfMemory: null,
      lastException: 'TypeError: cannot unpack',
    });
    expect(read(['ValueError: Invalid hint_key: bogus']).facts.badSpec).toBe('ValueError: Invalid hint_key: bogus');
    expect(read(['transfer.py: error: unrecognized arguments: --x']).facts.badSpec).toBe('transfer.py: error: unrecognized arguments: --x');
    expect(read(['torch.OutOfMemoryError: CUDA out of memory.']).facts.cudaOutOfMemory).toBe('torch.OutOfMemoryError: CUDA out of memory.');
  });
});

describe('classifyExit', () => {
  const none = read([]).facts;

  it('maps exits to failure reasons, the log before the bare code and our own stop before both', () => {
    expect(classifyExit(0, none, null, 1000)).toBeNull();
    expect(classifyExit(137, none, 'TIMEOUT', 1000)).toMatchObject({ reason: 'TIMEOUT', exitCode: 137 });
    expect(classifyExit(137, none, 'KILLED', 1000)).toMatchObject({ reason: 'KILLED', exitCode: 137 });
    expect(classifyExit(137, none, null, 1000)).toMatchObject({ reason: 'OOM_KILLED' });
    expect(classifyExit(1, read(['GUARDRAIL BLOCKED: x', 'ValueError: y']).facts, null, 1000)).toMatchObject({ reason: 'GUARDRAIL_BLOCKED' });
    expect(classifyExit(1, read(['ValueError: y']).facts, null, 1000)).toMatchObject({ reason: 'BAD_SPEC' });
    expect(classifyExit(1, read(['torch.OutOfMemoryError: CUDA out of memory.']).facts, null, 1000)).toMatchObject({ reason: 'OOM_KILLED' });
    expect(classifyExit(3, read(['RuntimeError: boom']).facts, null, 1000)).toMatchObject({ reason: 'CONTAINER_EXIT', message: 'the model exited with code 3: RuntimeError: boom' });
  });
});
