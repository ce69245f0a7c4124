import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';

type DtoClass = new () => object;

/** The nested properties of each DTO class (object or array, with an array's bound), for oversizedArray(). */
const NESTED = new Map<object, { property: string; cls: () => DtoClass; max?: number }[]>();

function remember(target: object, property: string | symbol, entry: { cls: () => DtoClass; max?: number }) {
  const list = NESTED.get(target.constructor) ?? [];
  list.push({ property: String(property), ...entry });
  NESTED.set(target.constructor, list);
}

/**
 * The first nested array of a plain body (per the DTO class `cls`) longer than its bound, as the
 * validator names the field, or null. Checked before class-transformer instantiates every element
 * (a 2,000-element array where 500 are allowed cost 70–130 ms of the event loop to refuse).
 */
export function oversizedArray(cls: unknown, value: unknown, path = ''): { field: string; max: number } | null {
  const props = typeof cls === 'function' ? NESTED.get(cls) : undefined;
  if (!props || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  for (const { property, cls: inner, max } of props) {
    const v = (value as Record<string, unknown>)[property];
    const field = path ? `${path}.${property}` : property;
    if (Array.isArray(v)) {
      if (max !== undefined && v.length > max) return { field, max };
      for (let i = 0; i < v.length; i++) {
        const found = oversizedArray(inner(), v[i], `${field}.${i}`);
        if (found) return found;
      }
    } else {
      const found = oversizedArray(inner(), v, field);
      if (found) return found;
    }
  }
  return null;
}

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
    (target: object, property: string | symbol) => remember(target, property, { cls }),
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
    (target: object, property: string | symbol) => remember(target, property, { cls, max: options.max }),
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
