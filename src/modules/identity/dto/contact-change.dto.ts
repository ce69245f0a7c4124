import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Email, OptionalText, Phone } from './validation';
import { HIRAGANA, POSTAL_CODE } from './validation';
import { Matches } from 'class-validator';

export class ContactChangesDto {
  @OptionalText(200) company?: string;
  @OptionalText(200) department?: string;
  @OptionalText(100) title?: string;
  @OptionalText(100) name?: string;
  @OptionalText(200)
  @Matches(HIRAGANA, { message: '$property はひらがなで入力してください (hiragana only)' })
  nameKana?: string;
  @ApiPropertyOptional({ example: '123-4567' })
  @IsOptional()
  @Matches(POSTAL_CODE, { message: '$property は NNN-NNNN の形式で入力してください (format NNN-NNNN)' })
  postalCode?: string;
  @OptionalText(300) address?: string;
  @Phone(true) phone?: string;
  @Phone(true) fax?: string;
  @Email(true) emailA?: string;
  @Email(true) emailB?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() disclosureConsent?: boolean;
}

/** 連絡先変更申請 (login A). A legal-name change is refused: it needs the separate form. */
export class ContactChangeDto {
  @ApiProperty({ type: ContactChangesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ContactChangesDto)
  changes: ContactChangesDto;

  @ApiPropertyOptional({ description: 'not accepted here: answers 422 LEGAL_NAME_CHANGE_NEEDS_FORM' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  legalName?: string;
}
