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
