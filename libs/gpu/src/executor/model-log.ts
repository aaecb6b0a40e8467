/**
 * Reads transfer.py's log as it streams: progress from tqdm's `17/35 [` step counter (stderr,
 * reference §8), and the few lines that tell why a run failed. A tqdm redraw may arrive as one
 * line holding several `\r`-separated bars, so the last counter in a line wins.
 */
const TQDM_STEP = /(\d+)\/(\d+) \[/g;
const GUARDRAIL = /GUARDRAIL BLOCKED:?\s*(.*)$/;
/** transfer.py validates the spec with ValueError; argparse and a broken JSON file fail before that. */
const BAD_SPEC = /^(ValueError: .*|json\.decoder\.JSONDecodeError: .*|transfer\.py: error: .*)$/;
const CUDA_OOM = /CUDA out of memory|torch\.OutOfMemoryError/;
/** The last line of a Python traceback: `SomeError: message`. */
const EXCEPTION = /^[A-Za-z_][\w.]*(Error|Exception): .*/;

export interface ModelLogFacts {
  /** The guardrail's reason, when it blocked the prompt. */
  readonly guardrail: string | null;
  readonly badSpec: string | null;
  readonly cudaOutOfMemory: string | null;
  /** The latest exception line, for the failure message. */
  readonly lastException: string | null;
}

export class ModelLogReader {
  private guardrail: string | null = null;
  private badSpec: string | null = null;
  private cudaOutOfMemory: string | null = null;
  private lastException: string | null = null;
  private percent = -1;

  /** Takes one line; returns the new sampling percent when it rose, else null. */
  read(line: string): number | null {
    const text = line.trim();
    const guardrail = GUARDRAIL.exec(text);
    if (guardrail) this.guardrail ??= guardrail[1] || 'blocked by the guardrail';
    if (BAD_SPEC.test(text)) this.badSpec ??= text;
    if (CUDA_OOM.test(text)) this.cudaOutOfMemory ??= text;
    if (EXCEPTION.test(text)) this.lastException = text;
    return this.progress(text);
  }

  get facts(): ModelLogFacts {
    return { guardrail: this.guardrail, badSpec: this.badSpec, cudaOutOfMemory: this.cudaOutOfMemory, lastException: this.lastException };
  }

  private progress(text: string): number | null {
    let last: RegExpExecArray | null = null;
    for (const match of text.matchAll(TQDM_STEP)) last = match;
    if (last === null) return null;
    const step = Number(last[1]);
    const total = Number(last[2]);
    if (!(total > 0 && step <= total)) return null;
    const percent = Math.floor((step * 100) / total);
    if (percent <= this.percent) return null;
    this.percent = percent;
    return percent;
  }
}
