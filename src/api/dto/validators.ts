import { Transform } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, registerDecorator, ValidationOptions } from 'class-validator';
import { isIsoDay } from '../../common/dates';

// A calendar day written YYYY-MM-DD ("2019-02-30" is refused).
export function IsIsoDay(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoDay',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a calendar date written YYYY-MM-DD`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => isIsoDay(value),
      },
    });
}

// Accepts "a,b" and repeated parameters (?m=a&m=b) alike, as a list of trimmed, non-empty items.
export const CommaList = () =>
  Transform(({ value }: { value: unknown }) => {
    const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
    return parts.map((s) => s.trim()).filter((s) => s !== '');
  });

export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === 'true' || value === '1' || value === true) return true;
    if (value === 'false' || value === '0' || value === false) return false;
    return value;
  });

export const ToInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value,
  );

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
// a source id: a publisher's (dailynk-sheet), a tower registry's (towers:opencellid-2024) or
// subscriptions
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,80}$/;
export const COUNTRY_PATTERN = /^[A-Z]{3}$/;
export const PRICE_TYPE_PATTERN = /^[a-z][a-z -]{0,39}$/;

export const ToUpper = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  );

// For endpoints that take no query parameters: with the global ValidationPipe's
// forbidNonWhitelisted, any parameter sent is a 400 naming it rather than silently ignored.
export class NoQueryDto {}

// An optional ?country=: an ISO 3166-1 alpha-3 code (any case), documented once for every endpoint.
export const IsCountryCode = (description = '') =>
  applyDecorators(
    ApiPropertyOptional({
      description: `ISO 3166-1 alpha-3 code (default PRK, North Korea; see /api/countries)${description}`,
      example: 'PRK',
    }),
    IsOptional(),
    ToUpper(),
    Matches(COUNTRY_PATTERN, { message: 'country must be an ISO 3166-1 alpha-3 code such as PRK' }),
  );

// ?country= on the reference endpoints.
export class CountryQueryDto {
  @IsCountryCode()
  country?: string;
}
