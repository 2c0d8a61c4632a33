import { bodyShapeProblem } from './json-body';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = level % 2 === 0 ? [value] : { a: value };
  return value;
};

describe('bodyShapeProblem', () => {
  it.each([
    [1, 0, undefined],
    [{}, 1, undefined],
    [{ a: [1] }, 2, undefined],
    [{ a: [1] }, 1, 'too_deep'],
    [nested(32), 32, undefined],
    [nested(33), 32, 'too_deep'],
  ])('%j within %i levels: %s', (value, limit, problem) => {
    expect(bodyShapeProblem(value, limit)).toBe(problem);
  });

  it('measures a million levels without recursion', () => {
    expect(bodyShapeProblem(nested(1_000_000), 32)).toBe('too_deep');
  });

  it('looks at every branch, not only the first', () => {
    expect(bodyShapeProblem({ shallow: 1, list: [1, 2, { deep: nested(40) }] }, 32)).toBe('too_deep');
  });

  it.each([
    ['{"__proto__":{"admin":true}}', 'forbidden_key'],
    ['{"a":[{"b":{"__proto__":"x"}}]}', 'forbidden_key'],
    ['{"constructor":{"prototype":{"admin":true}}}', 'forbidden_key'],
    ['{"constructor":"y","toString":"z","prototype":"p"}', undefined],
    ['{"constructor":{"name":"x"}}', undefined],
  ])('%s: %s', (text, problem) => {
    expect(bodyShapeProblem(JSON.parse(text), 32)).toBe(problem);
  });
});
