import type { ValidationError } from 'class-validator';

/** One failed constraint of a class-validator tree, where it failed. */
export interface ValidationProblem {
  /** `attributes[3].name`: array indices in brackets, properties after dots. */
  path: string;
  /** The constraint's name, e.g. `isString`. */
  code: string;
  message: string;
}

/**
 * Every failed constraint of a validation result, nested ones included, in order: the one flattening of class-validator
 * errors.
 */
export function validationProblems(errors: readonly ValidationError[], parentPath = ''): ValidationProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parentPath}[${error.property}]`
      : parentPath
        ? `${parentPath}.${error.property}`
        : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({ path, code, message }));
    return [...own, ...validationProblems(error.children ?? [], path)];
  });
}
