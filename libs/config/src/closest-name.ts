/**
 * The candidate a mistyped name most likely meant, for "did you mean" hints. Names are compared
 * without case, "_", "-" or ".", so `graphqlMaxDepth` finds `graphql_max_depth` and `log_level`
 * finds `log.level`; a swap of two adjacent letters counts as one edit, so `prot` finds `port`.
 */
export function closestName(typed: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(typed);
  const tolerance = Math.max(1, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(wanted, normalize(name));
    if (distance <= tolerance && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_.-]/g, '');
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** ` (did you mean "x"?)` for a suggestion, nothing without one. */
export function didYouMean(suggestion: string | undefined, show: (name: string) => string = (name) => `"${name}"`): string {
  return suggestion === undefined ? '' : ` (did you mean ${show(suggestion)}?)`;
}
