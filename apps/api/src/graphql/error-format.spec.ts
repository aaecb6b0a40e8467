import { GraphQLError } from 'graphql';
import { InvalidInput } from '../../../../libs/domain/src/index.js';
import { withDomainCode } from './graphql.options.js';

describe('GraphQL error format', () => {
  it('sends a store error without the password its connection string carried', () => {
    const error = new GraphQLError('x', { originalError: new Error('connect ECONNREFUSED mongodb://root:hunter2@10.0.0.9:27017') });
    const formatted = withDomainCode({ message: error.originalError!.message }, error);
    expect(formatted.message).toBe('connect ECONNREFUSED mongodb://root:***@10.0.0.9:27017');
  });

  it('gives a domain error its code and details', () => {
    const original = new InvalidInput([{ field: 'text', problem: 'must not be empty' }]);
    const formatted = withDomainCode({ message: 'x' }, new GraphQLError('x', { originalError: original }));
    expect(formatted).toEqual({ message: original.message, extensions: { code: 'INVALID_INPUT', details: original.details } });
  });
});
