import type { ValidationError } from 'class-validator';
import { validationProblems } from './validation-problems';

const error = (
  property: string,
  constraints: Record<string, string> | undefined,
  children: ValidationError[] = [],
): ValidationError => ({ property, constraints, children });

describe('validationProblems', () => {
  it('lists every failed constraint with its path: properties after dots, array indices in brackets', () => {
    const tree = [
      error('PORT', { isInt: 'PORT must be an integer', max: 'PORT must be at most 65535' }),
      error('attributes', undefined, [
        error('3', undefined, [error('name', { matches: 'name is not an identifier' })]),
      ]),
    ];
    expect(validationProblems(tree)).toEqual([
      { path: 'PORT', code: 'isInt', message: 'PORT must be an integer' },
      { path: 'PORT', code: 'max', message: 'PORT must be at most 65535' },
      { path: 'attributes[3].name', code: 'matches', message: 'name is not an identifier' },
    ]);
  });

  it('is empty for no errors', () => {
    expect(validationProblems([])).toEqual([]);
  });
});
