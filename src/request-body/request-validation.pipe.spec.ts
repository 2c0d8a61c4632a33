import type { ArgumentMetadata } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { refusalOf } from '../../test/support/refusal';
import { AttributeMapProperty } from './attribute-map.property';
import { RequestValidationPipe } from './request-validation.pipe';

class WithMap {
  @Length(1, 8)
  @IsString()
  userId!: string;

  @AttributeMapProperty({ values: 'raw' })
  attributes!: Record<string, unknown>;
}

class WithOptionalMap {
  @AttributeMapProperty({ optional: true, values: 'strings' })
  expected?: Record<string, unknown>;
}

class Plain {
  @IsString()
  name!: string;
}

const pipe = new RequestValidationPipe();
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });
const detailsOf = async (value: unknown, metatype: ArgumentMetadata['metatype']) =>
  (await refusalOf(pipe.transform(value, body(metatype))))?.details.map(({ field, code }) => `${field} ${code}`);

describe('RequestValidationPipe', () => {
  it('keeps every name of an attribute map as sent, toString, constructor and prototype included', async () => {
    const attributes = JSON.parse('{"toString":"a","constructor":"b","prototype":"c","hasOwnProperty":"d"}') as object;
    const validated = (await pipe.transform({ userId: 'usr_1', attributes }, body(WithMap))) as WithMap;
    expect(validated).toBeInstanceOf(WithMap);
    expect(Object.keys(validated.attributes)).toEqual(['toString', 'constructor', 'prototype', 'hasOwnProperty']);
  });

  it("applies the DTO's own decorators, the map's included, and names every problem at once", async () => {
    expect(await detailsOf({ userId: '', attributes: [], extra: 1 }, WithMap)).toEqual([
      'extra whitelistValidation',
      'userId isLength',
      'attributes isObject',
    ]);
    expect(await detailsOf({ userId: 7, attributes: {} }, WithMap)).toEqual(['userId isString']);
  });

  it('reads no body as an empty one, and refuses a body that is not an object', async () => {
    expect(await pipe.transform(undefined, body(WithOptionalMap))).toBeInstanceOf(WithOptionalMap);
    expect(await detailsOf(['x'], WithOptionalMap)).toEqual(['body isObject']);
    expect(await detailsOf({ expected: 'Gold' }, WithOptionalMap)).toEqual(['expected isObject']);
  });

  it('leaves a DTO without an attribute map to Nest’s pipe, which transforms it', async () => {
    expect(await pipe.transform({ name: 'x' }, body(Plain))).toBeInstanceOf(Plain);
    expect(await detailsOf({ name: 1 }, Plain)).toEqual(['name isString']);
  });
});
