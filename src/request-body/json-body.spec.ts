import { nestsDeeperThan } from './json-body';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = level % 2 === 0 ? [value] : { a: value };
  return value;
};

describe('nestsDeeperThan', () => {
  it.each([
    [1, 0, false],
    [{}, 1, false],
    [{ a: [1] }, 2, false],
    [{ a: [1] }, 1, true],
    [nested(32), 32, false],
    [nested(33), 32, true],
  ])('%j within %i levels: deeper is %s', (value, limit, deeper) => {
    expect(nestsDeeperThan(value, limit)).toBe(deeper);
  });

  it('measures a million levels without recursion', () => {
    expect(nestsDeeperThan(nested(1_000_000), 32)).toBe(true);
  });

  it('looks at every branch, not only the first', () => {
    expect(nestsDeeperThan({ shallow: 1, list: [1, 2, { deep: nested(40) }] }, 32)).toBe(true);
  });
});
