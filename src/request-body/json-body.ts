import { HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { ApiError } from '../errors/api-error';

/**
 * Deepest JSON body accepted. This service's bodies are three levels deep; class-transformer
 * recurses once per level and overflows the stack somewhere past a thousand (a 2.7 KB body
 * answered 500), so depth is checked when the body is parsed, before any transformation.
 */
const MAX_BODY_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `limit` levels deep; iterative, so the check itself cannot overflow. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * JSON bodies: Fastify's own parser (size limit, `__proto__` and `constructor.prototype` refused),
 * then the depth limit. Only application/json is read: Fastify's text/plain parser is removed, so
 * JSON sent as text/plain (what fetch sends with no content type) is a 415 naming the right type,
 * not a validation error about a string body.
 */
export function useJsonBodies(app: NestFastifyApplication, bodyLimitBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: bodyLimitBytes }, (request, body, done) => {
    // Typed for a string body; it reads the buffer Nest hands over as Nest's own default parser does.
    void parseJson(request, body as unknown as string, (error: Error | null, parsed?: unknown) => {
      if (error) done(error, undefined);
      else if (nestsDeeperThan(parsed, MAX_BODY_DEPTH)) {
        done(new ApiError(HttpStatus.BAD_REQUEST, 'body_too_deep', `The request body nests deeper than ${MAX_BODY_DEPTH} levels.`), undefined);
      } else done(null, parsed);
    });
  });
}
