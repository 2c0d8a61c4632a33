import type { AttributeDefinition } from './attribute-definition';
import { suggestAttributeName } from './attribute-names';

const named = (...names: string[]) => names.map((name) => ({ name }) as AttributeDefinition);
const REGISTRY = named('userId', 'userTier', 'lastOrderDate');

function elapsedMs(run: () => unknown): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('suggestAttributeName', () => {
  it.each([
    ['usertier', 'userTier'],
    ['userTeir', 'userTier'],
    ['userTie', 'userTier'],
    ['lastOrderDates', 'lastOrderDate'],
    ['favouriteColour', undefined],
    ['u', undefined],
  ])('suggests for %s: %s', (given, suggestion) => {
    expect(suggestAttributeName(given, REGISTRY)).toBe(suggestion);
  });

  // Generous: skipping a hopeless candidate takes microseconds; the full edit matrix of 64 KB took ~0.5 s.
  it.each([['x'.repeat(64 * 1024)], [`userTier${'r'.repeat(64 * 1024)}`]])(
    'gives up on a 64 KB name in bounded time',
    (given) => {
      let suggestion: string | undefined = 'unset';
      expect(elapsedMs(() => (suggestion = suggestAttributeName(given, REGISTRY)))).toBeLessThan(50);
      expect(suggestion).toBeUndefined();
    },
  );
});
