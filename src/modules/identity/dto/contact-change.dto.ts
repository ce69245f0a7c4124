import { ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NestedObject } from '../../../core/http/nested';
import { Email, HIRAGANA, Phone, PostalCode, Sent } from './validation';

/**
 * Each field is optional to send, but a field that is sent must hold a value: `null` is refused
 * (400 VALIDATION_FAILED naming the field) for the holder's required columns, because approving
 * such a change could never be applied. `@IsOptional()` would let null through, so these fields
 * are validated whenever they are present (`ValidateIf(v !== undefined)`). Only fax and emailB,
 * optional on the holder too, may be cleared with null.
 */
const SentText = (max: number) =>
  applyDecorators(ApiPropertyOptional({ maxLength: max }), Sent(), IsString(), IsNotEmpty(), MaxLength(max));

/** The holder's contact fields a change may clear (null); every other field must keep a value. */
export const CLEARABLE_CONTACT_FIELDS: ReadonlySet<string> = new Set(['fax', 'emailB']);

export class ContactChangesDto {
  @SentText(200) company?: string;
  @SentText(200) department?: string;
  @SentText(100) title?: string;
  @SentText(100) name?: string;
  @SentText(200)
  @Matches(HIRAGANA, { message: '$property はひらがなで入力してください (hiragana only)' })
  nameKana?: string;
  @PostalCode('sent') postalCode?: string;
  @SentText(300) address?: string;
  @Phone('sent') phone?: string;
  /** null clears it */
  @Phone(true) fax?: string | null;
  @Email('sent') emailA?: string;
  /** null clears it */
  @Email(true) emailB?: string | null;
  @ApiPropertyOptional() @Sent() @IsBoolean() disclosureConsent?: boolean;
}

/** 連絡先変更申請 (login A). A legal-name change is refused: it needs the separate form. */
export class ContactChangeDto {
  @NestedObject(() => ContactChangesDto)
  changes: ContactChangesDto;

  @ApiPropertyOptional({ description: 'not accepted here: answers 422 LEGAL_NAME_CHANGE_NEEDS_FORM' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  legalName?: string;
}
