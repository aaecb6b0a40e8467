import { useSyncExternalStore } from 'react';

/** The dashboard's views and their deep links; the server serves the page on each (dashboard.controller.ts). */
export type Route =
  | { view: 'inputs' }
  | { view: 'prompts'; id?: string }
  | { view: 'queue' }
  | { view: 'runs'; id?: string }
  | { view: 'jobs'; id: string }
  | { view: 'lineage'; id: string }
  | { view: 'history'; id?: string };

export function parseRoute(pathname: string): Route {
  const [first = '', second] = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  switch (first) {
    case 'inputs':
      return { view: 'inputs' };
    case 'prompts':
      return second ? { view: 'prompts', id: second } : { view: 'prompts' };
    case 'queue':
      return { view: 'queue' };
    case 'runs':
      return second ? { view: 'runs', id: second } : { view: 'runs' };
    case 'jobs':
      return second ? { view: 'jobs', id: second } : { view: 'queue' };
    case 'lineage':
      return second ? { view: 'lineage', id: second } : { view: 'prompts' };
    case 'history':
      return second ? { view: 'history', id: second } : { view: 'history' };
    default:
      return { view: 'runs' };
  }
}

export function routePath(route: Route): string {
  const id = 'id' in route && route.id ? `/${encodeURIComponent(route.id)}` : '';
  return `/${route.view}${id}`;
}

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
