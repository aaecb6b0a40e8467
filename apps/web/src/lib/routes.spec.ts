import { parseRoute, routePath } from './routes';

describe('dashboard routes', () => {
  it('reads every deep link the server serves the page on', () => {
    expect(parseRoute('/')).toEqual({ view: 'runs' });
    expect(parseRoute('/inputs')).toEqual({ view: 'inputs' });
    expect(parseRoute('/prompts/ps_1')).toEqual({ view: 'prompts', id: 'ps_1' });
    expect(parseRoute('/queue')).toEqual({ view: 'queue' });
    expect(parseRoute('/runs/rs_9/')).toEqual({ view: 'runs', id: 'rs_9' });
    expect(parseRoute('/jobs/job_2')).toEqual({ view: 'jobs', id: 'job_2' });
    expect(parseRoute('/lineage/ps_1')).toEqual({ view: 'lineage', id: 'ps_1' });
    expect(parseRoute('/history/run-rs_9')).toEqual({ view: 'history', id: 'run-rs_9' });
  });

  it('falls back to a list when a link names a view without its id', () => {
    expect(parseRoute('/jobs')).toEqual({ view: 'queue' });
    expect(parseRoute('/lineage')).toEqual({ view: 'prompts' });
    expect(parseRoute('/nowhere')).toEqual({ view: 'runs' });
  });

  it('writes the path back, encoding ids, so parse(path(route)) is the route', () => {
    const route = { view: 'history', id: 'prompt-ps 1/x' } as const;
    expect(routePath(route)).toBe('/history/prompt-ps%201%2Fx');
    expect(parseRoute(routePath(route))).toEqual(route);
  });
});
