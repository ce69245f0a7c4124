import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NestedArray, NestedObject } from '../../../core/http/nested';
import { PageQuery } from '../../../core/http/pagination';
import { Email, OptionalText, Phone, Text } from '../../identity/dto/validation';
import { LANDFILL_TYPES, type LandfillType } from '../content';
import { FILING_STATUSES, INQUIRY_ANSWERS, type FilingStatus, type InquiryAnswer } from '../entities/filing.entity';
import { SPECIAL_FACILITIES, type SpecialFacility } from '../rules/eligibility';

const PREFECTURE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;
const INDUSTRY = /^[0-9]{4}$/;
/** Amounts: non-negative decimal strings as written on the form ("0.0", "1200", "0.05"). */
export const AMOUNT = /^\d{1,12}(\.\d{1,6})?$/;
const amountMessage = { message: '$property は0以上の数値を文字列で入力してください (a non-negative decimal string, e.g. "1200" or "0.0")' };

function applyAll(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

// ---- pre-registration ----------------------------------------------------------------------

export class PrtrBusinessDto {
  @Text(200, '株式会社サンプル化学') name: string;
  @Text(200, '東京都千代田区霞が関1-2-2') address: string;
  @OptionalText(200, '代表取締役 見本太郎') representativeName?: string;
  @ApiPropertyOptional({ example: '1234567890123', description: '法人番号 (13 digits)' })
  @IsOptional()
  @Matches(/^[0-9]{13}$/, { message: '$property は13桁の数字です (13 digits)' })
  corporateNumber?: string;
}

export class PrtrContactDto {
  @OptionalText(200, '環境安全部') department?: string;
  @Text(100, '届出花子') name: string;
  @Phone() phone: string;
  @Email() email: string;
}

export class PrtrFacilityDto {
  @Text(200, 'サンプル化学 東京工場') name: string;
  @Text(200, '東京都大田区東糀谷1-1-1') address: string;
  @ApiPropertyOptional({ example: '2000' })
  @IsOptional()
  @Matches(INDUSTRY, { message: '$property は4桁の業種コードです (a 4-digit industry code)' })
  mainIndustryCode?: string;
}

export class PrtrRegistrationDto {
  @ApiProperty({ example: '13', description: 'the prefecture the facilities are in (JIS X 0401)' })
  @Matches(PREFECTURE, { message: '$property は都道府県コード(01〜47)です (prefecture code 01-47)' })
  prefectureCode: string;

  @NestedObject(() => PrtrBusinessDto) business: PrtrBusinessDto;
  @NestedObject(() => PrtrContactDto) contact: PrtrContactDto;

  @NestedArray(() => PrtrFacilityDto, { min: 1, max: 200 })
  facilities: PrtrFacilityDto[];
}

export class RegistrationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['submitted', 'approved', 'rejected'] })
  @IsOptional()
  @IsIn(['submitted', 'approved', 'rejected'])
  status?: 'submitted' | 'approved' | 'rejected';
}

export class PrtrRejectDto {
  @Text(1000, '記載内容に不備があります。') reason: string;
}

export class OfficerDto {
  @ApiProperty({ enum: ['prtr_local_gov', 'prtr_ministry'] })
  @IsIn(['prtr_local_gov', 'prtr_ministry'])
  role: 'prtr_local_gov' | 'prtr_ministry';

  @Text(200, '東京都環境局 化学物質対策課') displayName: string;

  /** Where this office's notices go (new pre-registrations and filings, answers to its inquiries). */
  @Email() email: string;

  @ApiPropertyOptional({ example: '13', description: 'required for prtr_local_gov' })
  @IsOptional()
  @Matches(PREFECTURE, { message: '$property は都道府県コード(01〜47)です (prefecture code 01-47)' })
  prefectureCode?: string;

  @ApiPropertyOptional({ example: 'METI', description: 'required for prtr_ministry' })
  @IsOptional()
  @Matches(/^[A-Z]{2,8}$/)
  ministerCode?: string;
}

// ---- eligibility ---------------------------------------------------------------------------

export class EligibilitySubstanceDto {
  @ApiProperty({ example: 53 }) @IsInt() @Min(1) @Max(100000) number: number;
  @ApiProperty({ example: '1200', description: 'kg handled per year' })
  @IsString()
  @Matches(AMOUNT, amountMessage)
  handledKg: string;
}

export class EligibilityFacilityDto {
  @OptionalText(200, '東京工場') name?: string;

  @ApiPropertyOptional({ enum: SPECIAL_FACILITIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(SPECIAL_FACILITIES as unknown as string[], { each: true })
  specialFacilities?: SpecialFacility[];

  @NestedArray(() => EligibilitySubstanceDto, { max: 600, optional: true })
  substances?: EligibilitySubstanceDto[];
}

export class EligibilityDto {
  @ApiProperty({ example: '2000' })
  @IsString()
  @Matches(INDUSTRY, { message: '$property は4桁の業種コードです (a 4-digit industry code)' })
  industryCode: string;

  @ApiProperty({ example: 120, description: 'company-wide employees (常時使用する従業員の数)' })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  employees: number;

  @NestedArray(() => EligibilityFacilityDto, { min: 1, max: 500 })
  facilities: EligibilityFacilityDto[];

  @ApiPropertyOptional({ example: 2025, description: 'fiscal year whose substance list applies (default: the latest imported)' })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number;
}

// ---- filings -------------------------------------------------------------------------------

/** Filing texts: length is checked here; characters outside JIS X 0208 are a blocking finding, not a 400. */
const FormText = (max: number, example?: string) => Text(max, example);
const FormOptionalText = (max: number, example?: string) => [
  ApiPropertyOptional({ type: String, maxLength: max, example, nullable: true }),
  IsOptional(),
  IsString(),
  MaxLength(max),
];

export class FilingContactDto {
  @applyAll(FormOptionalText(200, '環境安全部')) department?: string | null;
  @FormText(100, '届出花子') name: string;
  @FormText(30, '03-1234-5678') phone: string;
  @applyAll(FormOptionalText(254, 'prtr@example.co.jp')) email?: string | null;
}

export class FilingMainFormDto {
  @FormText(200, '株式会社サンプル化学') filerName: string;
  @FormText(200, '東京都千代田区霞が関1-2-2') filerAddress: string;
  @applyAll(FormOptionalText(200, '代表取締役 見本太郎')) representativeName?: string | null;
  @FormText(200, '株式会社サンプル化学') businessName: string;
  @FormText(200, '東京工場') facilityName: string;
  @FormText(200, '東京都大田区東糀谷1-1-1') facilityAddress: string;

  @ApiProperty({ example: 85 }) @IsInt() @Min(0) @Max(10_000_000) employees: number;

  @ApiProperty({ example: '2000' })
  @IsString()
  @MaxLength(4)
  mainIndustryCode: string;

  @ApiProperty({ type: [String], example: ['2600'] })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique({ message: '$property に同じ業種コードが重複しています (must not repeat a code)' })
  @IsString({ each: true })
  @MaxLength(4, { each: true })
  secondaryIndustryCodes: string[];

  @ApiPropertyOptional({ type: String, example: 'METI', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(8)
  ministerCode?: string | null;

  @ApiProperty({ example: false }) @IsBoolean() confidentialityClaim: boolean;

  @NestedObject(() => FilingContactDto) contact: FilingContactDto;
}

const Amount = () =>
  applyAll([ApiProperty({ example: '0.0' }), IsString(), Matches(AMOUNT, amountMessage)]);

export class FilingReleasesDto {
  @Amount() air: string;
  @Amount() water: string;
  @applyAll(FormOptionalText(200, '多摩川')) waterBodyName?: string | null;
  @Amount() soil: string;
  @Amount() landfill: string;
  @ApiPropertyOptional({ enum: LANDFILL_TYPES, nullable: true })
  @IsOptional()
  @IsIn(LANDFILL_TYPES as unknown as string[])
  landfillType?: LandfillType | null;
}

export class FilingTransfersDto {
  @Amount() sewer: string;
  @applyAll(FormOptionalText(200, '森ヶ崎水再生センター')) sewagePlantName?: string | null;
  @Amount() offsite: string;
  @applyAll(FormOptionalText(200, '焼却')) offsiteTreatmentMethod?: string | null;
  @applyAll(FormOptionalText(200, '廃油')) offsiteWasteType?: string | null;
}

export class FilingSheetDto {
  @ApiProperty({ example: 53 }) @IsInt() @Min(1) @Max(100000) substanceNumber: number;
  @NestedObject(() => FilingReleasesDto) releases: FilingReleasesDto;
  @NestedObject(() => FilingTransfersDto) transfers: FilingTransfersDto;
}

export class FilingContentDto {
  @NestedObject(() => FilingMainFormDto) mainForm: FilingMainFormDto;

  @NestedArray(() => FilingSheetDto, { max: 600 })
  sheets: FilingSheetDto[];
}

export class CreateFilingDto extends FilingContentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() facilityId: string;
  @ApiProperty({ example: 2025, description: 'the fiscal year reported (filed from April 1 of the next year)' })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;
}

export class FilingListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FILING_STATUSES })
  @IsOptional()
  @IsIn(FILING_STATUSES as unknown as string[])
  status?: FilingStatus;

  @ApiPropertyOptional({ example: 2025 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number;
}

export class InquiryDto {
  @Text(2000, 'トルエンの大気への排出量が前年度の10倍を超えています。ご確認ください。') message: string;
}

export class InquiryAnswerDto {
  @ApiProperty({ enum: INQUIRY_ANSWERS })
  @IsIn(INQUIRY_ANSWERS as unknown as string[])
  type: InquiryAnswer;

  @ApiPropertyOptional({ description: 'the reason (no_change, withdrawal_request) or a note', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  text?: string;

  @NestedObject(() => FilingContentDto, { optional: true, description: 'amendment: the new full version' })
  filing?: FilingContentDto;
}

export class InquiryCloseDto {
  @ApiPropertyOptional({ enum: ['confirm', 'decline'], description: 'required when the answer is a withdrawal request' })
  @IsOptional()
  @IsIn(['confirm', 'decline'])
  withdrawal?: 'confirm' | 'decline';

  @ApiPropertyOptional({ maxLength: 2000, description: 'a note to the filer (e.g. why a withdrawal is declined)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class SubstanceListQuery {
  @ApiProperty({ example: 2025 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;

  @ApiPropertyOptional({ enum: ['I', 'II'], default: 'I' })
  @IsOptional()
  @IsIn(['I', 'II'])
  class?: 'I' | 'II';
}

export class PublicCsvQuery {
  @ApiProperty({ example: 2025 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;
}
