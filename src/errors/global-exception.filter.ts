import { Catch, HttpException, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { APPLICATION_LOG } from '../logging/logging.tokens';
import { loggedPath } from '../logging/request-logging';
import { ApiError } from './api-error';
import type { ErrorBodyDto, ErrorDetailDto } from './error-body.dto';

export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/**
 * Our own wording for errors raised by the HTTP layer, so no library text reaches callers (the OpenAPI document quotes
 * it).
 */
export const MESSAGE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'The request could not be read.',
  404: 'No such route.',
  413: 'The request body is too large.',
  415: 'The request body must be application/json.',
  500: 'Internal server error.',
  503: 'The service is not ready.',
};

interface Problem {
  status: number;
  code: string;
  message: string;
  details: ErrorDetailDto[];
  headers: Readonly<Record<string, string>>;
}

/** Errors that Fastify raises before a route handler runs (body parsing, size limits), with a FST_ERR_* code. */
interface HttpLayerError {
  statusCode: number;
  code: string;
}

function isHttpLayerError(error: unknown): error is HttpLayerError {
  const candidate = error as Partial<HttpLayerError> | null;
  const status = candidate?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && /^FST_/.test(candidate?.code ?? '');
}

function codeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** Terminus answers an unhealthy check with `{ status, error: { name: { status, message? } } }`. */
function healthDetails(response: object): ErrorDetailDto[] {
  const failing = (response as { error?: Record<string, { status?: string; message?: string }> }).error ?? {};
  return Object.entries(failing).map(([name, result]) => ({
    field: name,
    code: result.status ?? 'down',
    message: result.message ?? `${name} is not ready`,
  }));
}

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const reported = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const isHealthReport = typeof response === 'object' && 'error' in response && 'details' in response;
  // The router's 404 names the method and the whole URL, query string included (where tokens travel): never echoed.
  const keepsItsWording = typeof reported === 'string' && !isHealthReport && status !== HttpStatus.NOT_FOUND;
  return {
    status,
    code: codeFor(status),
    message: keepsItsWording ? reported : (MESSAGE_BY_STATUS[status] ?? exception.message),
    details: isHealthReport ? healthDetails(response) : [],
    headers: {},
  };
}

function fromHttpLayerError(error: HttpLayerError): Problem {
  const isBodyParseError = error.statusCode === 400 && (error.code ?? '').startsWith('FST_ERR_CTP_');
  return {
    status: error.statusCode,
    code: isBodyParseError ? 'malformed_body' : codeFor(error.statusCode),
    message: isBodyParseError
      ? 'The request body is not valid JSON.'
      : (MESSAGE_BY_STATUS[error.statusCode] ?? 'The request could not be processed.'),
    details: [],
    headers: {},
  };
}

/**
 * The single place that turns any error into the standard error body. Unknown errors become a
 * 500 that says nothing of their cause; the cause is logged under the request id.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APPLICATION_LOG) private readonly log: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.describe(exception);

    if (problem.status >= 500) {
      this.log.error(
        {
          context: GlobalExceptionFilter.name,
          requestId: request.id,
          req: { method: request.method, path: loggedPath(request) },
          err: exception,
          status: problem.status,
          code: problem.code,
        },
        'Request failed',
      );
    }
    if (reply.sent) return;

    const body: ErrorBodyDto = {
      statusCode: problem.status,
      error: problem.code,
      message: problem.message,
      details: problem.details,
      requestId: String(request.id),
    };
    void reply.status(problem.status).headers(problem.headers).type('application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown): Problem {
    if (exception instanceof ApiError) {
      return {
        status: exception.getStatus(),
        code: exception.code,
        message: exception.message,
        details: exception.details,
        headers: exception.headers,
      };
    }
    // The Fastify adapter wraps its own 4xx errors (body parsing, limits) in an HttpException.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (isHttpLayerError(cause)) return fromHttpLayerError(cause);
    if (exception instanceof HttpException) return fromHttpException(exception);
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal_error',
      message: MESSAGE_BY_STATUS[500],
      details: [],
      headers: {},
    };
  }
}
