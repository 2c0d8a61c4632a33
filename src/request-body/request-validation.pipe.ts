import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { validate } from 'class-validator';
import { validationErrorFactory } from '../errors/validation-error.factory';
import { isTakenAsWritten } from './attribute-map.property';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one validation of request input: each parameter against its DTO's class-validator
 * decorators, which are also what Swagger documents. Every unknown field is refused.
 *
 * A body whose DTO holds an attribute map is validated without the transformation Nest's pipe
 * applies first: that pipe deletes `constructor` and `prototype` keys at any depth and
 * class-transformer drops names such as `toString`, and a verdict on a map with names silently
 * removed would be a verdict on something else. Such a body becomes an instance of its DTO with
 * its fields as sent (a map keeps every name it was sent with), then is validated the same way.
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: validationErrorFactory });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !isTakenAsWritten(metadata.metatype)) return super.transform(value, metadata);
    const metatype = metadata.metatype as new () => object;
    // No body at all is an empty one (every field optional: `{ expected }`); another non-object names no field.
    const fields = value === undefined || value === null ? {} : isPlainObject(value) ? value : undefined;
    if (!fields)
      throw validationErrorFactory([
        { property: 'body', constraints: { isObject: 'the body must be a JSON object' }, children: [] },
      ]);
    const instance = Object.create(metatype.prototype) as Record<string, unknown>;
    for (const [name, field] of Object.entries(fields)) {
      Object.defineProperty(instance, name, { value: field, enumerable: true, writable: true, configurable: true });
    }
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
    if (errors.length > 0) throw validationErrorFactory(errors);
    return instance;
  }
}
