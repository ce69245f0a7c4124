import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Readings (フリガナ) in hiragana; the long-vowel mark and spaces allowed. */
export const HIRAGANA = /^[\u3041-\u3096\u309D\u309Eー\u3000 ]+$/;
export const POSTAL_CODE = /^[0-9]{3}-[0-9]{4}$/;
/** Japanese phone and fax numbers: 03-1234-5678, 090-1234-5678, or the digits alone. */
export const PHONE = /^(0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}|0[0-9]{9,10})$/;

/**
 * Presence of a field: required; optional (absent or null passes); or sent (absent passes, a value
 * sent, null included, is checked: for changes, where absent means "unchanged" and null is no value).
 * The document types each as a string (nullable when optional): a field declared `string | null`
 * would otherwise appear as an object.
 */
type Presence = boolean | 'sent';
const presence = (p: Presence, required: PropertyDecorator, optional: PropertyDecorator) =>
  p === 'sent' ? [optional, ValidateIf((_, value) => value !== undefined)] : p ? [optional, IsOptional()] : [required];
export const Sent = () => ValidateIf((_, value) => value !== undefined);

export const Text = (max: number, example?: string) =>
  applyDecorators(ApiProperty({ maxLength: max, example }), IsString(), IsNotEmpty(), MaxLength(max));
export const OptionalText = (max: number, example?: string) =>
  applyDecorators(ApiPropertyOptional({ maxLength: max, example }), IsOptional(), IsString(), IsNotEmpty(), MaxLength(max));
export const Kana = (max: number, example?: string) =>
  applyDecorators(
    Text(max, example),
    Matches(HIRAGANA, { message: '$property はひらがなで入力してください (hiragana only)' }),
  );
export const PostalCode = (p: Presence = false) =>
  applyDecorators(
    ...presence(p, ApiProperty({ type: String, example: '123-4567' }), ApiPropertyOptional({ type: String, example: '123-4567', nullable: p === true })),
    IsString(),
    Matches(POSTAL_CODE, { message: '$property は NNN-NNNN の形式で入力してください (format NNN-NNNN)' }),
  );
export const Phone = (p: Presence = false) =>
  applyDecorators(
    ...presence(p, ApiProperty({ type: String, example: '03-1234-5678' }), ApiPropertyOptional({ type: String, example: '03-1234-5679', nullable: p === true })),
    IsString(),
    Matches(PHONE, { message: '$property は電話番号の形式で入力してください (e.g. 03-1234-5678)' }),
  );
export const Email = (p: Presence = false) =>
  applyDecorators(
    ...presence(p, ApiProperty({ type: String, example: 'taro@example.co.jp' }), ApiPropertyOptional({ type: String, example: 'kankyo@example.co.jp', nullable: p === true })),
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: '$property はメールアドレスの形式で入力してください (not an email address)' }),
  );
