import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { catchError, of, throwError, type Observable } from 'rxjs';
import { DomainError } from '../../../../libs/domain/src/index.js';
import { toUserError } from './domain-error.mapper.js';

/**
 * Turns a DomainError thrown by a mutation (or by input validation before it) into the typed
 * member of the mutation's result union. Anything else stays a top-level GraphQL error: those are
 * faults, not answers.
 */
@Injectable()
export class DomainErrorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const isMutation = context.getType<string>() === 'graphql' && GqlExecutionContext.create(context).getInfo()?.parentType?.name === 'Mutation';
    return next.handle().pipe(
      catchError((error: unknown) => (isMutation && error instanceof DomainError ? of(toUserError(error)) : throwError(() => error))),
    );
  }
}
