/**
 * The predecessor's deterministic prompt naming (its keyword-model-free fallback), kept exactly so
 * names match what users saw before: up to three keywords joined by '_', or 'sequence'.
 */

const COMMON_STOPWORDS = [
  'a', 'above', 'after', 'again', 'an', 'and', 'are', 'at', 'be', 'been', 'before', 'below', 'but', 'by',
  'can', 'could', 'did', 'do', 'does', 'down', 'during', 'for', 'from', 'further', 'had', 'has', 'have',
  'in', 'into', 'is', 'may', 'might', 'of', 'off', 'on', 'once', 'or', 'out', 'over', 'should', 'that',
  'the', 'then', 'these', 'this', 'those', 'through', 'to', 'under', 'up', 'was', 'were', 'will', 'with',
  'would',
];

/** Words that describe every rendered shot, so they name none of them. */
const DOMAIN_STOPWORDS = [
  'accumulation', 'aerial', 'captures', 'contains', 'contrast', 'creates', 'decreases', 'desaturate',
  'diagonal', 'diffusion', 'displays', 'distance', 'downward', 'existing', 'facades', 'falloff', 'far',
  'features', 'gradient', 'horizontal', 'includes', 'increases', 'luminance', 'maintains', 'materials',
  'minimal', 'multiple', 'natural', 'near', 'overall', 'palette', 'perspective', 'planes', 'plausible',
  'produces', 'realistic', 'saturation', 'scene', 'several', 'shows', 'speculars', 'subtle', 'surfaces',
  'texture', 'uniform', 'upward', 'various', 'vertical', 'video',
];

export const SMART_NAME_STOPWORDS: ReadonlySet<string> = new Set([...COMMON_STOPWORDS, ...DOMAIN_STOPWORDS]);

export const SMART_NAME_FALLBACK = 'sequence';

/**
 * The predecessor ran Python's `re.findall(r"\b[a-z]+\b", text.lower())`, where `\b` is
 * Unicode-aware: "café" yields nothing there, not "caf". JavaScript's `\b` only knows ASCII word
 * characters, so the boundaries are spelled out over Unicode letters, digits and '_'.
 */
const ASCII_WORD = /(?<![\p{L}\p{N}_])[a-z]+(?![\p{L}\p{N}_])/gu;

const MAX_KEYWORDS = 3;

export function smartName(text: string, maxLength = 30): string {
  if (!Number.isInteger(maxLength) || maxLength < 0) {
    throw new RangeError(`maxLength must be a non-negative integer, got ${maxLength}`);
  }
  // The predecessor checks blank text before a zero length, so ('', 0) gives 'sequence'.
  if (text.trim() === '') return SMART_NAME_FALLBACK;
  if (maxLength === 0) return '';

  const words = text.toLowerCase().match(ASCII_WORD) ?? [];
  // A lone word is kept even if it is a stopword or short: it is all the text has to offer.
  if (words.length === 1) return words[0].slice(0, maxLength);

  const keywords = words.filter((word) => word.length > 2 && !SMART_NAME_STOPWORDS.has(word)).slice(0, MAX_KEYWORDS);
  if (keywords.length === 0) return SMART_NAME_FALLBACK;

  for (let count = keywords.length; count >= 1; count--) {
    const name = keywords.slice(0, count).join('_');
    if (name.length <= maxLength) return name;
  }
  return keywords[0].slice(0, maxLength);
}
