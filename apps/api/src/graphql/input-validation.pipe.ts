import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidInput, type FieldProblem } from '../../../../libs/domain/src/index.js';

function problems(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((problem) => ({ field, problem }));
    return [...own, ...problems(error.children ?? [], `${field}.`)];
  });
}

/** class-validator on every GraphQL input; failures become the typed InvalidInput answer. */
export const inputValidationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) => new InvalidInput(problems(errors, 'input.')),
});
