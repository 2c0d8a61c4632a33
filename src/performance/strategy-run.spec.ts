import { runStrategy, type RunnableStrategy } from './strategy-run';

type Actions = {
  success(user: unknown): void;
  fail(reason: unknown): void;
  error(error: unknown): void;
  pass(): void;
  redirect(url: string): void;
};

/** A strategy whose authenticate does what the test says, with `this` the per-request instance. */
const strategyThat = (act: (self: Actions) => void): RunnableStrategy<object> => ({
  authenticate(this: Actions) {
    act(this);
  },
});

describe('runStrategy', () => {
  it.each([
    ['success', (self: Actions) => self.success({ subject: 'u' }), { outcome: 'success', user: { subject: 'u' } }],
    ['fail', (self: Actions) => self.fail('bad token'), { outcome: 'fail', reason: 'bad token' }],
    ['error', (self: Actions) => self.error(new Error('boom')), { outcome: 'error', error: new Error('boom') }],
    ['pass', (self: Actions) => self.pass(), { outcome: 'pass' }],
    [
      'redirect',
      (self: Actions) => self.redirect('https://login.example'),
      { outcome: 'redirect', url: 'https://login.example' },
    ],
  ])('resolves with %s', async (_name, act, expected) => {
    expect(await runStrategy(strategyThat(act), {})).toEqual(expected);
  });

  it('resolves with error when authenticate throws', async () => {
    const thrown = new Error('thrown');
    expect(
      await runStrategy(
        strategyThat(() => {
          throw thrown;
        }),
        {},
      ),
    ).toEqual({ outcome: 'error', error: thrown });
  });

  it('keeps the first action when a strategy calls two, asynchronously too', async () => {
    const outcome = await runStrategy(
      strategyThat((self) => {
        setImmediate(() => {
          self.fail('first');
          self.success({ subject: 'late' });
        });
      }),
      {},
    );
    expect(outcome).toEqual({ outcome: 'fail', reason: 'first' });
  });

  it('leaves the shared strategy untouched: actions live on the per-request instance', async () => {
    const shared = strategyThat((self) => self.pass());
    await runStrategy(shared, {});
    expect(Object.keys(shared)).toEqual(['authenticate']);
  });
});
