import { HttpStatus, type PipeTransform } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import type { ErrorDetailDto } from '../errors/error-body.dto';
import { validationErrorFactory } from '../errors/validation-error.factory';

/** More names than Genesys's 2048 bytes of custom data can hold even at one byte each. */
const MAX_ATTRIBUTE_ENTRIES = 1024;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a body `{ <field>: { name: value, ... } }` whose map holds attribute names as the visitor
 * wrote them. The global ValidationPipe is not used for it: it deletes `constructor` and
 * `prototype` keys and class-transformer drops names such as `toString`, and a verdict on a map
 * with names silently removed would be a verdict on something else. The handler's parameter is
 * typed as a plain record, which the global pipe passes through untouched.
 */
export class AttributeMapBodyPipe implements PipeTransform<unknown, Record<string, unknown>> {
  constructor(
    private readonly field: string,
    private readonly required: boolean,
  ) {}

  transform(body: unknown): Record<string, unknown> {
    const fail = (property: string, constraint: string, message: string) =>
      validationErrorFactory([{ property, constraints: { [constraint]: message }, children: [] }]);
    // No body at all is an empty one: `{ expected }` is optional.
    if ((body === undefined || body === null) && !this.required) return {};
    if (!isPlainObject(body)) throw fail(this.field, 'isObject', `${this.field} must be an object`);
    const unknown = Object.keys(body).find((key) => key !== this.field);
    if (unknown !== undefined) throw fail(unknown, 'whitelistValidation', `property ${unknown} should not exist`);
    const map = body[this.field];
    if (map === undefined && !this.required) return body;
    if (!isPlainObject(map)) throw fail(this.field, 'isObject', `${this.field} must be an object`);
    return body;
  }
}

/**
 * A caller's attribute map (`attributes`, `expected`) as a string map, or a 422 naming every
 * entry that is not a string. The result has no prototype, so names such as `toString` or
 * `__proto__` are ordinary keys.
 */
export function readAttributeMap(value: Readonly<Record<string, unknown>>, field: string, reservedName?: string): Record<string, string> {
  const entries = Object.entries(value);
  if (entries.length > MAX_ATTRIBUTE_ENTRIES) {
    throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'attributes_invalid', `${field} holds too many attributes.`, [
      { field, code: 'too_many_attributes', message: `${field} may hold at most ${MAX_ATTRIBUTE_ENTRIES} attributes` },
    ]);
  }
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: ErrorDetailDto[] = [];
  for (const [name, entry] of entries) {
    if (name === reservedName) {
      problems.push({ field: `${field}.${name}`, code: 'reserved_attribute', message: `${name} is the signature, not an attribute to expect` });
    } else if (typeof entry !== 'string') {
      problems.push({ field: `${field}.${name}`, code: 'not_a_string', message: `${field}.${name} must be a string, as every custom attribute is` });
    } else {
      map[name] = entry;
    }
  }
  if (problems.length > 0) throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'attributes_invalid', `Some entries of ${field} cannot be attributes.`, problems);
  return map;
}
