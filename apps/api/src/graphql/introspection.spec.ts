import { introspectionOn } from './graphql.options.js';

describe('introspection', () => {
  it('is on by default on loopback, off by default anywhere else, and as set when set', () => {
    expect(introspectionOn({ introspection: 'auto', host: '127.0.0.1' })).toBe(true);
    expect(introspectionOn({ introspection: 'auto', host: '0.0.0.0' })).toBe(false);
    expect(introspectionOn({ introspection: 'on', host: '0.0.0.0' })).toBe(true);
    expect(introspectionOn({ introspection: 'off', host: '127.0.0.1' })).toBe(false);
  });
});
