import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { ApiError } from '../errors/api-error';
import { JwtAuthGuard } from './jwt-auth.guard';
import type { JwtStrategy } from './jwt.strategy';
import { TokenRefusal } from './token-rules';

type Actions = {
  success(user: unknown): void;
  fail(reason: unknown): void;
  error(error: unknown): void;
  pass(): void;
  redirect(url: string): void;
};

const noMetadata = { getAllAndOverride: () => undefined } as unknown as Reflector;
const contextFor = (headers: Record<string, string>) =>
  ({
    getHandler: () => contextFor,
    getClass: () => JwtAuthGuard,
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
  }) as unknown as ExecutionContext;
const bearer = { authorization: 'Bearer a.b.c' };

/** Whether a promise settles once pending callbacks have run: a guard that hangs never does. */
async function outcomeOf(
  promise: Promise<unknown>,
): Promise<{ settled: false } | { settled: true; value?: unknown; error?: unknown }> {
  let result: { settled: false } | { settled: true; value?: unknown; error?: unknown } = { settled: false };
  promise.then(
    (value) => (result = { settled: true, value }),
    (error: unknown) => (result = { settled: true, error }),
  );
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  return result;
}

function guardWhoseStrategy(act: (self: Actions) => void): JwtAuthGuard {
  const strategy = {
    authenticate(this: Actions) {
      act(this);
    },
  } as unknown as JwtStrategy;
  return new JwtAuthGuard(noMetadata, strategy);
}

const refusalCode = (outcome: Awaited<ReturnType<typeof outcomeOf>>) => {
  expect(outcome.settled).toBe(true);
  const error = (outcome as { error?: unknown }).error;
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).getStatus()).toBe(401);
  return (error as ApiError).details[0]?.code;
};

describe('JwtAuthGuard', () => {
  it('lets a successful run through, with the caller on the request', async () => {
    const request: { headers: object; user?: unknown } = { headers: bearer };
    const guard = guardWhoseStrategy((self) => self.success({ subject: 'u', scopes: new Set() }));
    const context = {
      ...contextFor(bearer),
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    expect(await guard.canActivate(context)).toBe(true);
    expect(request.user).toEqual({ subject: 'u', scopes: new Set() });
  });

  it.each([
    ['pass', (self: Actions) => self.pass(), 'token_invalid'],
    ['redirect', (self: Actions) => self.redirect('https://login.example'), 'token_invalid'],
    [
      'a throw',
      () => {
        throw new Error('strategy bug');
      },
      'token_invalid',
    ],
  ])('answers %s with 401 instead of hanging', async (_name, act, code) => {
    expect(refusalCode(await outcomeOf(Promise.resolve(guardWhoseStrategy(act).canActivate(contextFor(bearer)))))).toBe(
      code,
    );
  });

  it.each([
    ['an expired token', new TokenExpiredError('jwt expired', new Date(0)), 'token_expired'],
    ['a token not yet valid', new NotBeforeError('jwt not active', new Date(0)), 'token_not_yet_valid'],
    [
      'any other jsonwebtoken error, whatever its message',
      new JsonWebTokenError('jwt audience invalid. expected: x'),
      'token_invalid',
    ],
    [
      'one of our own rules',
      new TokenRefusal('token_without_expiry', 'The token must have an expiry (exp).'),
      'token_without_expiry',
    ],
  ])('maps %s by its class', async (_name, reason, code) => {
    for (const act of [(self: Actions) => self.fail(reason), (self: Actions) => self.error(reason)]) {
      expect(
        refusalCode(await outcomeOf(Promise.resolve(guardWhoseStrategy(act).canActivate(contextFor(bearer))))),
      ).toBe(code);
    }
  });

  it('answers a request without a bearer token with token_missing, without running the strategy', async () => {
    const authenticate = jest.fn();
    const guard = new JwtAuthGuard(noMetadata, { authenticate } as unknown as JwtStrategy);
    expect(refusalCode(await outcomeOf(Promise.resolve(guard.canActivate(contextFor({})))))).toBe('token_missing');
    expect(authenticate).not.toHaveBeenCalled();
  });
});
