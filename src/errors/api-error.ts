import { HttpException } from '@nestjs/common';
import type { ErrorDetailDto } from './error-body.dto';

/**
 * An error whose status, machine code and details are chosen by the code that throws it.
 * The global exception filter turns it into the standard error body.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetailDto[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, status);
  }
}
