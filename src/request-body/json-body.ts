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

const FORBIDDEN_KEY_MESSAGE =
  'The request body holds a "__proto__" key, or a "constructor" object with a "prototype" key; this service refuses both.';

export type BodyShapeProblem = 'too_deep' | 'forbidden_key';

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Whether a parsed body nests objects or arrays more than `limit` levels deep, or holds one of
 * the shapes that rewrite prototypes when merged into another object: a `__proto__` key, or a
 * `constructor` object with a `prototype` key. Iterative, so the check itself cannot overflow.
 */
export function bodyShapeProblem(value: unknown, limit: number): BodyShapeProblem | undefined {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (!isObject(node)) continue;
    if (depth > limit) return 'too_deep';
    if (!Array.isArray(node)) {
      if (Object.hasOwn(node, '__proto__')) return 'forbidden_key';
      const constructorValue = Object.hasOwn(node, 'constructor')
        ? (node as { constructor: unknown }).constructor
        : undefined;
      if (isObject(constructorValue) && Object.hasOwn(constructorValue, 'prototype')) return 'forbidden_key';
    }
    for (const child of Object.values(node)) {
      if (isObject(child)) pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * JSON bodies: Fastify's own parser (size limit, syntax), then the depth and prototype-key checks,
 * which answer in their own words: Fastify would refuse `__proto__` as if the JSON were malformed. Only application/json is read: Fastify's text/plain parser is removed, so
 * JSON sent as text/plain (what fetch sends with no content type) is a 415 naming the right type,
 * not a validation error about a string body.
 */
export function useJsonBodies(app: NestFastifyApplication, bodyLimitBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('ignore', 'ignore');
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: bodyLimitBytes }, (request, body, done) => {
    // Typed for a string body; it reads the buffer Nest hands over as Nest's own default parser does.
    void parseJson(request, body as unknown as string, (error: Error | null, parsed?: unknown) => {
      if (error) return done(error, undefined);
      const problem = bodyShapeProblem(parsed, MAX_BODY_DEPTH);
      if (problem === 'too_deep')
        done(
          new ApiError(
            HttpStatus.BAD_REQUEST,
            'body_too_deep',
            `The request body nests deeper than ${MAX_BODY_DEPTH} levels.`,
          ),
          undefined,
        );
      else if (problem === 'forbidden_key')
        done(new ApiError(HttpStatus.BAD_REQUEST, 'forbidden_key', FORBIDDEN_KEY_MESSAGE), undefined);
      else done(null, parsed);
    });
  });
}
