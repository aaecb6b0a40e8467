import { useSyncExternalStore } from 'react';

export { parseRoute, routePath, type Route } from './routes';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

/** Goes to a path (and query): one history entry, so back and forward walk the views. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.search);
  const url = new URL(href, location.origin);
  return { pathname: url.pathname, search: url.search };
}

/**
 * A view's filters live in the query string, so a reload, a shared link and back/forward all
 * bring back the same list. Changing one replaces the entry (typing is not history).
 */
export function useSearchParam(name: string, fallback = ''): [string, (value: string) => void] {
  const { search } = useLocation();
  const value = new URLSearchParams(search).get(name) ?? fallback;
  const set = (next: string) => {
    const params = new URLSearchParams(location.search);
    if (next === fallback || next === '') params.delete(name);
    else params.set(name, next);
    const query = params.toString();
    navigate(location.pathname + (query ? `?${query}` : ''), { replace: true });
  };
  return [value, set];
}
