import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';

type DtoClass = new () => object;

/**
 * A property holding one object of a DTO class: an array, a string or null there is a 400 naming
 * the property (class-validator's ValidateNested alone would walk into an array's elements and
 * accept `[{…}]` where `{…}` belongs).
 */
export function NestedObject(cls: () => DtoClass, options: { description?: string; optional?: boolean } = {}) {
  // an arrow function at `type` (swagger recognises a lazy type by that name), so the class is
  // registered as a schema; a thunk passed through would be a dangling $ref
  const doc = { type: () => cls(), description: options.description };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    ...(options.optional ? [IsOptional()] : []),
    IsObject({ message: '$property はオブジェクトで指定してください (must be an object)' }),
    ValidateNested(),
    Type(cls),
  );
}

/**
 * A property holding an array of objects of one DTO class, with its size bounds: an object where
 * the array belongs, or an array (or anything else that is not an object) as an element, is a 400
 * naming the property (ValidateNested with `each` alone flattens `[[{…}]]` and accepts it).
 */
export function NestedArray(cls: () => DtoClass, options: { min?: number; max: number; optional?: boolean; description?: string }) {
  const min = options.min ?? 0;
  const doc = { type: () => [cls()], description: options.description, maxItems: options.max };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty({ ...doc, ...(min > 0 ? { minItems: min } : {}) }),
    ...(options.optional ? [IsOptional()] : []),
    IsArray({ message: '$property は配列で指定してください (must be an array)' }),
    ...(min > 0 ? [ArrayMinSize(min)] : []),
    ArrayMaxSize(options.max),
    IsObject({ each: true, message: '$property の各要素はオブジェクトで指定してください (each element must be an object)' }),
    ValidateNested({ each: true }),
    Type(cls),
  );
}
