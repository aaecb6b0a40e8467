import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Texts that create a file if any shell ever runs them, and that file. The folder is writable by
 * everyone, so a shell on a GPU node logged in as another user could create it too: its absence
 * then proves nothing ran, not merely that nothing could write there.
 */
export function shellCanary(): { readonly texts: readonly string[]; fired(): boolean } {
  const folder = mkdtempSync(join(tmpdir(), 'cosmos-canary-'));
  chmodSync(folder, 0o777);
  const canary = join(folder, 'executed');
  return {
    texts: [`$(touch ${canary})`, `\`touch ${canary}\``, `x; touch ${canary}`, `x | touch ${canary}`, `x && touch ${canary}`, `'; touch ${canary}; '`, `"; touch ${canary}; "`],
    fired: () => existsSync(canary),
  };
}
