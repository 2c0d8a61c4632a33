import { HttpStatus, type ValidationError } from '@nestjs/common';
import { validationProblems } from '../config/validation-problems';
import { ApiError } from './api-error';
import type { ErrorDetailDto } from './error-body.dto';

/** ValidationPipe's exceptionFactory: every field and constraint becomes one detail. */
export function validationErrorFactory(errors: ValidationError[]): ApiError {
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    'validation_failed',
    'The request is invalid.',
    validationProblems(errors).map(({ path, code, message }): ErrorDetailDto => ({ field: path, code, message })),
  );
}
