/** What one run of a passport strategy decided: passport's five actions. */
export type StrategyOutcome<User> =
  | { outcome: 'success'; user: User }
  | { outcome: 'fail'; reason: unknown }
  | { outcome: 'error'; error: unknown }
  | { outcome: 'pass' }
  | { outcome: 'redirect'; url: string };

/** The part of a passport strategy a run needs: `authenticate`, and the actions it calls. */
export interface RunnableStrategy<Request> {
  authenticate(request: Request, options?: object): void;
}

/**
 * Runs a passport strategy once, as passport.authenticate() does: on a per-request instance
 * given the five actions a strategy may call, and resolves with the first one it calls (a throw
 * from `authenticate` counts as `error`). Passport's middleware is not wrapped around it: on Node 24
 * it cost the config endpoint 9 % of its throughput and 50 MB of peak RSS (bench row "config,
 * memory store"; paired against `passport.authenticate`, 8.9k vs 8.2k req/s, 177 vs 227 MB:
 * docs/performance.md).
 */
export function runStrategy<User, Request>(
  strategy: RunnableStrategy<Request>,
  request: Request,
): Promise<StrategyOutcome<User>> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: StrategyOutcome<User>) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const attempt = Object.assign(Object.create(strategy) as RunnableStrategy<Request>, {
      success: (user: User) => settle({ outcome: 'success', user }),
      fail: (reason: unknown) => settle({ outcome: 'fail', reason }),
      error: (error: unknown) => settle({ outcome: 'error', error }),
      pass: () => settle({ outcome: 'pass' }),
      redirect: (url: string) => settle({ outcome: 'redirect', url }),
    });
    try {
      attempt.authenticate(request, {});
    } catch (error) {
      settle({ outcome: 'error', error });
    }
  });
}
