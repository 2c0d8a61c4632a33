import { HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '../errors/api-error';
import { IS_PUBLIC, REQUIRED_SCOPES } from './auth.decorators';
import type { AuthenticatedCaller } from './authenticated-caller';

/** Why a token was refused: a stable code, and no more detail than a caller needs to fix it. */
function rejectionReason(info: unknown): { code: string; message: string } {
  const error = info instanceof Error ? info : undefined;
  switch (error?.name) {
    case 'TokenExpiredError':
      return { code: 'token_expired', message: 'The token has expired.' };
    case 'NotBeforeError':
      return { code: 'token_not_yet_valid', message: 'The token is not valid yet.' };
  }
  const message = error?.message ?? '';
  if (message === 'No auth token') return { code: 'token_missing', message: 'A bearer token is required.' };
  if (message.startsWith('jwt audience invalid')) return { code: 'audience_mismatch', message: 'The token is meant for another audience.' };
  if (message.startsWith('jwt issuer invalid')) return { code: 'issuer_mismatch', message: 'The token comes from an issuer this service does not trust.' };
  return { code: 'token_invalid', message: 'The token is not valid.' };
}

function unauthorized(reason: { code: string; message: string }): ApiError {
  return new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', reason.message, [{ code: reason.code, message: reason.message }], {
    'www-authenticate': `Bearer error="invalid_token", error_description="${reason.code}"`,
  });
}

/** Every route needs a valid bearer JWT unless marked @Public(); @RequireScopes() adds scope checks. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    return super.canActivate(context);
  }

  override handleRequest<T = AuthenticatedCaller>(error: unknown, caller: T | false, info: unknown, context: ExecutionContext): T {
    if (error || !caller) throw unauthorized(rejectionReason(error ?? info));
    const required = this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const granted = (caller as unknown as AuthenticatedCaller).scopes;
    const missing = required.filter((scope) => !granted.has(scope));
    if (missing.length > 0) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'insufficient_scope',
        `The token lacks the scope this endpoint requires: ${missing.join(', ')}.`,
        missing.map((scope) => ({ field: 'scope', code: 'missing_scope', message: scope })),
      );
    }
    return caller;
  }
}
