import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

const TAKEN_AS_WRITTEN = Symbol('takenAsWritten');

/**
 * A request DTO field holding an attribute map, `{ name: value, ... }`, with names as a caller or
 * a visitor wrote them. Validated (an object) and documented here; its entries are read by the
 * service (`readAttributeMap`), which names every entry that cannot be an attribute. Marks its
 * class, so that the request pipe validates the body with the class's own decorators but never
 * passes it through class-transformer (which drops names such as `toString`).
 */
export function AttributeMapProperty(options: { optional?: boolean; values: 'strings' | 'raw' }): PropertyDecorator {
  const markClass: PropertyDecorator = (target) => Reflect.defineMetadata(TAKEN_AS_WRITTEN, true, target.constructor);
  return applyDecorators(
    markClass,
    ...(options.optional ? [IsOptional()] : []),
    IsObject(),
    (options.optional ? ApiPropertyOptional : ApiProperty)({
      type: 'object',
      additionalProperties: options.values === 'strings' ? { type: 'string' } : true,
    }),
  );
}

/** Whether a DTO class has an attribute map field, so that its body must be taken as written. */
export const isTakenAsWritten = (metatype: unknown): boolean =>
  typeof metatype === 'function' && Reflect.getMetadata(TAKEN_AS_WRITTEN, metatype) === true;
