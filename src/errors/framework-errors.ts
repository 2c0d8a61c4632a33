import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBodyDto } from './error-body.dto';

/** Our answers to the errors Fastify raises before any route runs; its own name the raw URL. */
const FRAMEWORK_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'malformed_url',
    message: 'The request URL is not valid (a malformed percent escape).',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    message: 'A path segment of the request URL is too long.',
  },
};
const UNKNOWN_FRAMEWORK_ERROR = { status: 500, code: 'internal_error', message: 'Internal server error.' };

/**
 * Fastify's `frameworkErrors`: the standard error body, request id and security headers for the
 * errors Fastify answers itself before routing (a bad escape, an overlong path parameter), which
 * never reach Nest's exception filter and whose own bodies echo the URL, query string included.
 */
export function frameworkErrorResponder(headers: Readonly<Record<string, string>>, requestIdHeader: string) {
  return (error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    const known = FRAMEWORK_ERRORS[error.code ?? ''] ?? UNKNOWN_FRAMEWORK_ERROR;
    const body: ErrorBodyDto = {
      statusCode: known.status,
      error: known.code,
      message: known.message,
      details: [],
      requestId: String(request.id),
    };
    void reply
      .code(known.status)
      .headers(headers)
      .header(requestIdHeader, request.id)
      .type('application/json; charset=utf-8')
      .send(body);
  };
}
