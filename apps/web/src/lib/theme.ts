export type Theme = 'light' | 'dark';
const THEME_KEY = 'cosmos.theme';

/** The stored choice, else the system's preference. */
export function storedTheme(): Theme {
  const stored = localStorage.getItem(THEME_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * The header's switch: shown at once and kept. Only a choice is stored, so until someone chooses,
 * the page follows the system's preference (and a page that just opened writes nothing).
 */
export function chooseTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(THEME_KEY, theme);
}
