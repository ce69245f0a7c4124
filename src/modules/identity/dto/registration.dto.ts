import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { NestedArray, NestedObject } from '../../../core/http/nested';
import { Email, Kana, Phone, PostalCode, Text } from './validation';

export class RepresentativeDto {
  @Text(200, 'ABCリース株式会社') name: string;
  @Kana(400, 'えーびーしーりーすかぶしきがいしゃ') nameKana: string;
  @Text(100, '先進花子') representativeName: string;
  @Kana(200, 'せんしんはなこ') representativeNameKana: string;
}

export class CoBusinessDto {
  @Text(200, '株式会社アセット不動産') name: string;
  @Kana(400, 'かぶしきがいしゃあせっとふどうさん') nameKana: string;
}

export class ContactDto {
  @Text(200, '株式会社アセット不動産') company: string;
  @Text(200, '環境部') department: string;
  @Text(100, '環境部長') title: string;
  @Text(100, '環境太郎') name: string;
  @Kana(200, 'かんきょうたろう') nameKana: string;
  @PostalCode() postalCode: string;
  @Text(300, '東京都千代田区永田町1-2-3') address: string;
  @Phone() phone: string;
  @Phone(true) fax?: string;
  @Email() emailA: string;
  @Email(true) emailB?: string;
}

export class FacilityDto {
  @Text(200, 'アセット第一ビル') name: string;
  @Kana(400, 'あせっとだいいちびる') nameKana: string;
  @Text(300, '埼玉県さいたま市浦和区1-1') address: string;
  @ApiProperty({ enum: ['factory', 'business_site'] })
  @IsIn(['factory', 'business_site'])
  type: 'factory' | 'business_site';
}

/** 登録申請書 (docs/domain.md §2). */
export class RegistrationApplicationDto {
  @NestedObject(() => RepresentativeDto)
  representative: RepresentativeDto;

  @NestedArray(() => CoBusinessDto, { max: 50, optional: true })
  coBusinesses?: CoBusinessDto[];

  @NestedObject(() => ContactDto)
  contact: ContactDto;

  @NestedObject(() => FacilityDto)
  facility: FacilityDto;

  @ApiProperty({ enum: ['single', 'group'] })
  @IsIn(['single', 'group'])
  participationForm: 'single' | 'group';

  @Text(200, '株式会社アセット不動産　アセット第一ビル') accountName: string;

  @ApiProperty() @IsBoolean() inTokyoOrSaitamaScheme: boolean;
  @ApiProperty({ description: 'consent to show the contact details to other consenting participants' })
  @IsBoolean()
  disclosureConsent: boolean;
}

/** 取引参加者の登録申請. */
export class TradingParticipantContactDto {
  @Text(200, '排出量取引部') department: string;
  @Text(100, '取引一郎') name: string;
  @Kana(200, 'とりひきいちろう') nameKana: string;
  @PostalCode() postalCode: string;
  @Text(300, '大阪府大阪市北区1-1') address: string;
  @Phone() phone: string;
  @Email() email: string;
}

export class TradingParticipantApplicationDto {
  @Text(200, '株式会社カーボン商事') name: string;
  @Kana(400, 'かぶしきがいしゃかーぼんしょうじ') nameKana: string;
  @Text(200, '株式会社カーボン商事　取引口座') accountName: string;

  @NestedObject(() => TradingParticipantContactDto)
  contact: TradingParticipantContactDto;

  @ApiProperty() @IsBoolean() disclosureConsent: boolean;
}
