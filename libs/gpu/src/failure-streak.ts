/**
 * One failure repeating (a node that stays down answers each retry the same way): said the first
 * time, then after 2, 4, 8… repeats (every 64th from there), and once more when it stops, so the
 * log shows that the node is still down without saying it every few seconds for ever.
 */
export class FailureStreak {
  private current: { readonly key: string; repeats: number } | null = null;

  /** Whether this failure should be logged now, and how many times in a row it has happened. */
  failed(key: string): { readonly log: boolean; readonly repeats: number } {
    if (this.current?.key !== key) this.current = { key, repeats: 0 };
    const repeats = ++this.current.repeats;
    return { log: repeats <= 64 ? (repeats & (repeats - 1)) === 0 : repeats % 64 === 0, repeats };
  }

  /** After a success: how many failures in a row it ended, or 0. */
  succeeded(): number {
    const ended = this.current?.repeats ?? 0;
    this.current = null;
    return ended;
  }
}
