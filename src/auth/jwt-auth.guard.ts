import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { ExtractJwt } from 'passport-jwt';
import { ApiError } from '../errors/api-error';
import { IS_PUBLIC, REQUIRED_SCOPES } from './auth.decorators';
import type { AuthenticatedCaller } from './authenticated-caller';
import { JwtStrategy } from './jwt.strategy';
import { runStrategy } from '../performance/strategy-run';
import { TokenRefusal } from './token-rules';

const TOKEN_MISSING = { code: 'token_missing', message: 'A bearer token is required.' };
const TOKEN_INVALID = { code: 'token_invalid', message: 'The token is not valid.' };

/**
 * Why a token was refused, by the class of what the strategy reported: a stable code, and no more
 * detail than a caller needs to fix it. Issuer and audience are our own rules (TokenRefusal), so
 * nothing here reads an error's message.
 */
function rejectionReason(reason: unknown): { code: string; message: string } {
  if (reason instanceof TokenRefusal) return { code: reason.code, message: reason.message };
  if (reason instanceof TokenExpiredError) return { code: 'token_expired', message: 'The token has expired.' };
  if (reason instanceof NotBeforeError) return { code: 'token_not_yet_valid', message: 'The token is not valid yet.' };
  return TOKEN_INVALID;
}

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

function unauthorized(reason: { code: string; message: string }): ApiError {
  return new ApiError(
    HttpStatus.UNAUTHORIZED,
    'unauthorized',
    reason.message,
    [{ code: reason.code, message: reason.message }],
    {
      'www-authenticate': `Bearer error="invalid_token", error_description="${reason.code}"`,
    },
  );
}

/** What a route asks of its caller, read once per handler from its decorators. */
interface RoutePolicy {
  isPublic: boolean;
  requiredScopes: readonly string[];
}

/**
 * Every route needs a valid bearer JWT unless marked @Public(); @RequireScopes() adds scope checks.
 *
 * The token is checked by passport-jwt's strategy, run once per request by runStrategy, which
 * turns all five of passport's outcomes into a promise.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly policies = new WeakMap<object, RoutePolicy>();

  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedCaller }>();
    return this.authenticate(request).then((caller) => {
      const missing = policy.requiredScopes.filter((scope) => !caller.scopes.has(scope));
      if (missing.length > 0) {
        throw new ApiError(
          HttpStatus.FORBIDDEN,
          'insufficient_scope',
          `The token lacks the scope this endpoint requires: ${missing.join(', ')}.`,
          missing.map((scope) => ({ field: 'scope', code: 'missing_scope', message: scope })),
        );
      }
      request.user = caller;
      return true;
    });
  }

  private policyOf(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, context.getClass()];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        requiredScopes: this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, targets) ?? [],
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }

  private async authenticate(request: FastifyRequest): Promise<AuthenticatedCaller> {
    // Typed for Express; the bearer extractor and the strategy read only `headers`, which Fastify's request has.
    const expressRequest = request as unknown as Parameters<JwtStrategy['authenticate']>[0];
    if (!bearerToken(expressRequest)) throw unauthorized(TOKEN_MISSING);
    const run = await runStrategy<AuthenticatedCaller, typeof expressRequest>(this.strategy, expressRequest);
    switch (run.outcome) {
      case 'success':
        return run.user;
      case 'fail':
        throw unauthorized(rejectionReason(run.reason));
      case 'error':
        throw unauthorized(rejectionReason(run.error));
      // A JWT strategy neither passes nor redirects; were it to, the request is not authenticated.
      case 'pass':
      case 'redirect':
        throw unauthorized(TOKEN_INVALID);
    }
  }
}
