import { HttpStatus, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error';
import type { ErrorDetailDto } from './error-body.dto';

function flatten(errors: readonly ValidationError[], parentPath: string): ErrorDetailDto[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parentPath}[${error.property}]`
      : parentPath
        ? `${parentPath}.${error.property}`
        : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({ field: path, code, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** ValidationPipe's exceptionFactory: every field and constraint becomes one detail. */
export function validationErrorFactory(errors: ValidationError[]): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'The request is invalid.', flatten(errors, ''));
}
