import { Type } from '@nestjs/common';
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

// Terse property decorators for the response classes: each names its JSON type, whether it can be
// null and whether it can be absent, so that the OpenAPI document says exactly what comes back.

interface Opts {
  description?: string;
  nullable?: boolean;
  optional?: boolean;
  example?: unknown;
  enum?: readonly string[];
}

const base = (o: Opts = {}): Record<string, unknown> => ({
  description: o.description,
  nullable: o.nullable || undefined,
  required: !o.optional,
  example: o.example,
});
const prop = (o: Record<string, unknown>) => ApiProperty(o);

export const Num = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'number' });
export const Int = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'integer' });
export const Str = (description?: string, o: Opts = {}) =>
  ApiProperty({
    ...base({ description, ...o }),
    type: 'string',
    ...(o.enum ? { enum: [...o.enum] } : {}),
  });
// a calendar day, YYYY-MM-DD
export const Day = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'string', format: 'date' });
export const Instant = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'string', format: 'date-time' });
export const Bool = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'boolean' });
export const Strs = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'string', isArray: true });
export const Nums = (description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: 'number', isArray: true });
// @nestjs/swagger takes a function as a lazy type only when the function is named `type` (as an
// arrow written inline as `type: () => X` is); one handed in as an argument is renamed here.
const lazy = (t: () => Type<unknown>) => ({ type: () => t() }).type;
export const One = (type: () => Type<unknown>, description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: lazy(type) });
export const Many = (type: () => Type<unknown>, description?: string, o: Opts = {}) =>
  prop({ ...base({ description, ...o }), type: lazy(type), isArray: true });
// an object whose keys are names (sources, markets) and whose values are of one kind
export const MapOf = (
  value: 'integer' | 'number' | 'string' | (() => Type<unknown>),
  description?: string,
  o: Opts = {},
) =>
  ApiProperty({
    ...base({ description, ...o }),
    type: 'object',
    additionalProperties:
      typeof value === 'string' ? { type: value } : { $ref: getSchemaPath(value()) },
  });
// one of several shapes (a result, or the reason there is none)
export const OneOf = (types: (() => Type<unknown>)[], description?: string, o: Opts = {}) =>
  ApiProperty({
    ...base({ description, ...o }),
    oneOf: types.map((t) => ({ $ref: getSchemaPath(t()) })),
  });
export const ManyOneOf = (types: (() => Type<unknown>)[], description?: string, o: Opts = {}) =>
  ApiProperty({
    ...base({ description, ...o }),
    type: 'array',
    items: { oneOf: types.map((t) => ({ $ref: getSchemaPath(t()) })) },
  });
