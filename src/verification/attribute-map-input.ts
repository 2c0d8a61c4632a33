import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import type { ErrorDetailDto } from '../errors/error-body.dto';

/** More names than Genesys's 2048 bytes of custom data can hold even at one byte each. */
const MAX_ATTRIBUTE_ENTRIES = 1024;

/**
 * A caller's attribute map (`attributes`, `expected`) as a string map, or a 422 naming every
 * entry that is not a string. The result has no prototype, so names such as `toString` or
 * `__proto__` are ordinary keys.
 */
export function readAttributeMap(
  value: Readonly<Record<string, unknown>>,
  field: string,
  reservedName?: string,
): Record<string, string> {
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
      problems.push({
        field: `${field}.${name}`,
        code: 'reserved_attribute',
        message: `${name} is the signature, not an attribute to expect`,
      });
    } else if (typeof entry !== 'string') {
      problems.push({
        field: `${field}.${name}`,
        code: 'not_a_string',
        message: `${field}.${name} must be a string, as every custom attribute is`,
      });
    } else {
      map[name] = entry;
    }
  }
  if (problems.length > 0)
    throw new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'attributes_invalid',
      `Some entries of ${field} cannot be attributes.`,
      problems,
    );
  return map;
}
