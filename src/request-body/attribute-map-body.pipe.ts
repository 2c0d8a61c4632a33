import type { PipeTransform, ValidationError } from '@nestjs/common';
import { validationErrorFactory } from '../errors/validation-error.factory';

/** Checks one field beside the map: undefined when it holds, else the constraint it breaks and why. */
export type BodyFieldCheck = (value: unknown, name: string) => { constraint: string; message: string } | undefined;

/** A required string of `min` to `max` characters, as class-validator's IsString and Length would say it. */
export const stringOfLength =
  (min: number, max: number): BodyFieldCheck =>
  (value, name) => {
    if (typeof value !== 'string') return { constraint: 'isString', message: `${name} must be a string` };
    if (value.length < min || value.length > max) return { constraint: 'isLength', message: `${name} must be ${min} to ${max} characters long` };
    return undefined;
  };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a body `{ <mapField>: { name: value, ... }, ...otherFields }` whose map holds attribute
 * names as a caller or visitor wrote them. The global ValidationPipe is not used for it: it
 * deletes `constructor` and `prototype` keys and class-transformer drops names such as
 * `toString`, and a verdict on a map with names silently removed would be a verdict on something
 * else. The handler's parameter is typed as a plain record, which the global pipe passes through
 * untouched; failures read as the global pipe's (400 `validation_failed`, one detail per field).
 */
export class AttributeMapBodyPipe implements PipeTransform<unknown, Record<string, unknown>> {
  constructor(
    private readonly mapField: string,
    private readonly required: boolean,
    private readonly otherFields: Readonly<Record<string, BodyFieldCheck>> = {},
  ) {}

  transform(body: unknown): Record<string, unknown> {
    const problem = (property: string, constraint: string, message: string): ValidationError => ({ property, constraints: { [constraint]: message }, children: [] });
    // No body at all is an empty one when every field is optional (`{ expected }`).
    if ((body === undefined || body === null) && !this.required && Object.keys(this.otherFields).length === 0) return {};
    if (!isPlainObject(body)) throw validationErrorFactory([problem(this.mapField, 'isObject', `${this.mapField} must be an object`)]);
    const problems: ValidationError[] = [];
    for (const key of Object.keys(body)) {
      if (key !== this.mapField && !Object.hasOwn(this.otherFields, key)) problems.push(problem(key, 'whitelistValidation', `property ${key} should not exist`));
    }
    for (const [name, check] of Object.entries(this.otherFields)) {
      const broken = check(Object.hasOwn(body, name) ? body[name] : undefined, name);
      if (broken) problems.push(problem(name, broken.constraint, broken.message));
    }
    const map = Object.hasOwn(body, this.mapField) ? body[this.mapField] : undefined;
    if ((map !== undefined || this.required) && !isPlainObject(map)) problems.push(problem(this.mapField, 'isObject', `${this.mapField} must be an object`));
    if (problems.length > 0) throw validationErrorFactory(problems);
    return body;
  }
}
