import type { FilingContent, FilingSheet, IndustryRef, SubstanceRef, ValidationIssue } from '../content';
import { hasBlocking, sortSheets, validateFiling, ValidationContext } from './validation';

const industries: IndustryRef[] = [
  { code: '1600', name: '化学工業', ministers: ['METI', 'MHLW'], defaultMinister: null },
  { code: '2000', name: 'ゴム製品製造業', ministers: ['METI'], defaultMinister: 'METI' },
  { code: '9210', name: '自然科学研究所', ministers: ['MEXT', 'METI'], defaultMinister: 'MEXT' },
];
const substances: SubstanceRef[] = [
  { number: 80, name: 'キシレン', specified: false, unit: 'kg' },
  { number: 278, name: 'ダイオキシン類', specified: true, unit: 'mg-TEQ' },
  { number: 300, name: 'トルエン', specified: false, unit: 'kg' },
];

function ctx(over: Partial<ValidationContext> = {}): ValidationContext {
  return {
    fiscalYear: 2025,
    substance: (n) => substances.find((s) => s.number === n),
    industry: (code) => industries.find((i) => i.code === code),
    priorYear: null,
    ...over,
  };
}

function xyleneSheet(): FilingSheet {
  return {
    substanceNumber: 80,
    releases: { air: '1200', water: '12', waterBodyName: '多摩川', soil: '0.0', landfill: '5.0', landfillType: 'controlled' },
    transfers: { sewer: '0.5', sewagePlantName: '入江崎水処理センター', offsite: '3400', offsiteTreatmentMethod: '焼却', offsiteWasteType: '廃油' },
  };
}

function dioxinSheet(): FilingSheet {
  return {
    substanceNumber: 278,
    releases: { air: '0.012', water: '0', soil: '0', landfill: '0' },
    transfers: { sewer: '0', offsite: '0.50', offsiteWasteType: 'ばいじん' },
  };
}

function filing(): FilingContent {
  return {
    mainForm: {
      filerName: '高橋化学株式会社',
      filerAddress: '東京都千代田区霞が関一丁目１番１号',
      representativeName: '代表取締役　高橋太郎',
      businessName: '高橋化学株式会社',
      facilityName: '川崎工場',
      facilityAddress: '神奈川県川崎市川崎区千鳥町1-1',
      employees: 120,
      mainIndustryCode: '1600',
      secondaryIndustryCodes: ['2000'],
      ministerCode: 'METI',
      confidentialityClaim: false,
      contact: { department: '環境安全部', name: '山田花子', phone: '044-123-4567', email: 'yamada@example.co.jp' },
    },
    sheets: [xyleneSheet(), dioxinSheet()],
  };
}

const blocking = (issues: ValidationIssue[]) => issues.filter((i) => i.tier === 'blocking');
const summary = (issues: ValidationIssue[]) => issues.map((i) => [i.code, i.field]);

describe('validateFiling: a valid filing', () => {
  it('has no issues at all', () => {
    const issues = validateFiling(filing(), ctx());
    expect(issues).toEqual([]);
    expect(hasBlocking(issues)).toBe(false);
  });
  it('accepts the default minister and a single minister without a choice', () => {
    const f = filing();
    f.mainForm.ministerCode = null;
    f.mainForm.mainIndustryCode = '9210';
    expect(validateFiling(f, ctx())).toEqual([]);
    f.mainForm.mainIndustryCode = '2000';
    f.mainForm.secondaryIndustryCodes = [];
    expect(validateFiling(f, ctx())).toEqual([]);
  });
  it('accepts blank optional fields and zero amounts without details', () => {
    const f = filing();
    f.mainForm.representativeName = null;
    f.mainForm.contact = { name: '山田花子', phone: '044-123-4567' };
    f.sheets[0].releases = { air: '1200', water: '0.0', soil: '0.0', landfill: '0.0' };
    f.sheets[0].transfers = { sewer: '0.0', offsite: '0.0' };
    expect(validateFiling(f, ctx())).toEqual([]);
  });
  it('accepts the offsite detail given as either the treatment method or the waste type', () => {
    const f = filing();
    f.sheets[0].transfers.offsiteWasteType = null;
    expect(validateFiling(f, ctx())).toEqual([]);
  });
});

describe('validateFiling: blocking rules (one broken thing each)', () => {
  const cases: Array<[string, (f: FilingContent) => void, string, string]> = [
    ['blank filerName', (f) => (f.mainForm.filerName = ''), 'REQUIRED_FIELD', 'mainForm.filerName'],
    ['whitespace filerAddress', (f) => (f.mainForm.filerAddress = ' 　 '), 'REQUIRED_FIELD', 'mainForm.filerAddress'],
    ['blank businessName', (f) => (f.mainForm.businessName = ''), 'REQUIRED_FIELD', 'mainForm.businessName'],
    ['blank facilityName', (f) => (f.mainForm.facilityName = ' '), 'REQUIRED_FIELD', 'mainForm.facilityName'],
    ['blank facilityAddress', (f) => (f.mainForm.facilityAddress = ''), 'REQUIRED_FIELD', 'mainForm.facilityAddress'],
    ['blank contact name', (f) => (f.mainForm.contact.name = ''), 'REQUIRED_FIELD', 'mainForm.contact.name'],
    ['missing contact phone', (f) => delete (f.mainForm.contact as Partial<typeof f.mainForm.contact>).phone, 'REQUIRED_FIELD', 'mainForm.contact.phone'],
    ['blank main industry code', (f) => (f.mainForm.mainIndustryCode = ''), 'REQUIRED_FIELD', 'mainForm.mainIndustryCode'],
    ['negative employees', (f) => (f.mainForm.employees = -1), 'EMPLOYEES_INVALID', 'mainForm.employees'],
    ['fractional employees', (f) => (f.mainForm.employees = 12.5), 'EMPLOYEES_INVALID', 'mainForm.employees'],
    ['string employees', (f) => (f.mainForm.employees = '12' as unknown as number), 'EMPLOYEES_INVALID', 'mainForm.employees'],
    [
      'unknown main industry',
      (f) => {
        f.mainForm.mainIndustryCode = '0100';
        f.mainForm.ministerCode = null;
      },
      'INDUSTRY_CODE_UNKNOWN',
      'mainForm.mainIndustryCode',
    ],
    ['unknown secondary industry', (f) => (f.mainForm.secondaryIndustryCodes = ['2000', '0100']), 'INDUSTRY_CODE_UNKNOWN', 'mainForm.secondaryIndustryCodes[1]'],
    ['minister not allowed', (f) => (f.mainForm.ministerCode = 'MOE'), 'MINISTER_NOT_ALLOWED', 'mainForm.ministerCode'],
    ['minister choice required', (f) => (f.mainForm.ministerCode = null), 'MINISTER_CHOICE_REQUIRED', 'mainForm.ministerCode'],
    ['minister choice required (blank)', (f) => (f.mainForm.ministerCode = ' '), 'MINISTER_CHOICE_REQUIRED', 'mainForm.ministerCode'],
    ['no sheets', (f) => (f.sheets = []), 'NO_SHEETS', 'sheets'],
    ['substance not listed', (f) => (f.sheets[1].substanceNumber = 999), 'SUBSTANCE_NOT_LISTED', 'sheets[1].substanceNumber'],
    ['duplicate substance', (f) => (f.sheets[1] = xyleneSheet()), 'DUPLICATE_SUBSTANCE', 'sheets[1].substanceNumber'],
    ['negative amount', (f) => (f.sheets[0].releases.air = '-1'), 'AMOUNT_INVALID', 'sheets[0].releases.air'],
    ['exponent amount', (f) => (f.sheets[0].transfers.offsite = '3.4e3'), 'AMOUNT_INVALID', 'sheets[0].transfers.offsite'],
    ['empty amount', (f) => (f.sheets[1].releases.soil = ''), 'AMOUNT_INVALID', 'sheets[1].releases.soil'],
    ['water body missing', (f) => (f.sheets[0].releases.waterBodyName = null), 'WATER_BODY_REQUIRED', 'sheets[0].releases.waterBodyName'],
    ['sewage plant missing', (f) => (f.sheets[0].transfers.sewagePlantName = ' '), 'SEWAGE_PLANT_REQUIRED', 'sheets[0].transfers.sewagePlantName'],
    ['landfill type missing', (f) => (f.sheets[0].releases.landfillType = null), 'LANDFILL_TYPE_REQUIRED', 'sheets[0].releases.landfillType'],
    ['landfill type invalid', (f) => (f.sheets[0].releases.landfillType = 'open' as never), 'LANDFILL_TYPE_INVALID', 'sheets[0].releases.landfillType'],
    [
      'offsite detail missing',
      (f) => {
        f.sheets[0].transfers.offsiteTreatmentMethod = null;
        f.sheets[0].transfers.offsiteWasteType = '';
      },
      'OFFSITE_DETAIL_REQUIRED',
      'sheets[0].transfers.offsiteTreatmentMethod',
    ],
    ['non-JIS filer name', (f) => (f.mainForm.filerName = '髙橋化学㈱'), 'NON_JIS_CHARACTER', 'mainForm.filerName'],
    ['non-JIS representative', (f) => (f.mainForm.representativeName = '髙橋太郎'), 'NON_JIS_CHARACTER', 'mainForm.representativeName'],
    ['non-JIS contact department', (f) => (f.mainForm.contact.department = 'ｶﾝｷｮｳ部'), 'NON_JIS_CHARACTER', 'mainForm.contact.department'],
    ['non-JIS phone', (f) => (f.mainForm.contact.phone = '044①123'), 'NON_JIS_CHARACTER', 'mainForm.contact.phone'],
    ['non-JIS email', (f) => (f.mainForm.contact.email = 'yamada😀@example.jp'), 'NON_JIS_CHARACTER', 'mainForm.contact.email'],
    ['non-JIS water body', (f) => (f.sheets[0].releases.waterBodyName = '多摩川①'), 'NON_JIS_CHARACTER', 'sheets[0].releases.waterBodyName'],
    ['non-JIS waste type', (f) => (f.sheets[1].transfers.offsiteWasteType = 'ばいじん😀'), 'NON_JIS_CHARACTER', 'sheets[1].transfers.offsiteWasteType'],
    ['facility name too long', (f) => (f.mainForm.facilityName = '工'.repeat(201)), 'TEXT_TOO_LONG', 'mainForm.facilityName'],
    ['phone too long', (f) => (f.mainForm.contact.phone = '0'.repeat(31)), 'TEXT_TOO_LONG', 'mainForm.contact.phone'],
    ['treatment method too long', (f) => (f.sheets[0].transfers.offsiteTreatmentMethod = 'a'.repeat(201)), 'TEXT_TOO_LONG', 'sheets[0].transfers.offsiteTreatmentMethod'],
  ];

  it.each(cases)('%s → %s at %s', (_label, breakIt, code, field) => {
    const f = filing();
    breakIt(f);
    const issues = blocking(validateFiling(f, ctx()));
    expect(summary(issues)).toEqual([[code, field]]);
    expect(issues[0].ja).toBeTruthy();
    expect(issues[0].en).toBeTruthy();
    expect(hasBlocking(issues)).toBe(true);
  });

  it('accepts names of exactly 200 characters and phones of 30', () => {
    const f = filing();
    f.mainForm.facilityName = '工'.repeat(200);
    f.mainForm.contact.phone = '0'.repeat(30);
    expect(validateFiling(f, ctx())).toEqual([]);
  });

  it('says which fiscal year the substance list is for', () => {
    const f = filing();
    f.sheets[1].substanceNumber = 999;
    const [i] = validateFiling(f, ctx({ fiscalYear: 2024 }));
    expect(i.ja).toContain('2024年度');
    expect(i.en).toContain('fiscal year 2024');
  });

  it('names the non-JIS characters with their suggestions', () => {
    const f = filing();
    f.mainForm.filerName = '髙橋化学㈱';
    const [i] = validateFiling(f, ctx());
    expect(i.ja).toContain('「髙」（置換候補なし）');
    expect(i.ja).toContain('「㈱」→「(株)」');
    expect(i.en).toContain('U+9AD9');
    expect(i.suggestedValue).toBeUndefined();
    f.mainForm.filerName = '高橋化学㈱';
    expect(validateFiling(f, ctx())[0].suggestedValue).toBe('高橋化学(株)');
  });

  it('names the field and the substance in amount messages', () => {
    const f = filing();
    f.sheets[0].releases.air = 'x';
    const [i] = validateFiling(f, ctx());
    expect(i.ja).toContain('別紙1');
    expect(i.ja).toContain('キシレン');
    expect(i.ja).toContain('大気への排出');
    expect(i.en).toMatch(/release to air/i);
  });

  it('reports every problem together', () => {
    const f = filing();
    f.mainForm.filerName = '';
    f.mainForm.employees = -3;
    f.sheets[0].releases.waterBodyName = null;
    f.sheets[1].substanceNumber = 80;
    expect(summary(blocking(validateFiling(f, ctx())))).toEqual([
      ['REQUIRED_FIELD', 'mainForm.filerName'],
      ['EMPLOYEES_INVALID', 'mainForm.employees'],
      ['WATER_BODY_REQUIRED', 'sheets[0].releases.waterBodyName'],
      ['DUPLICATE_SUBSTANCE', 'sheets[1].substanceNumber'],
    ]);
  });
});

describe('validateFiling: warnings', () => {
  it('flags amounts not rounded, with the suggested value per unit', () => {
    const f = filing();
    f.sheets[0].releases.air = '1234';
    f.sheets[0].transfers.sewer = '0.05';
    f.sheets[1].releases.air = '0.0123';
    const issues = validateFiling(f, ctx());
    expect(hasBlocking(issues)).toBe(false);
    expect(issues.map((i) => [i.tier, i.code, i.field, i.suggestedValue])).toEqual([
      ['warning', 'NOT_TWO_SIGNIFICANT_DIGITS', 'sheets[0].releases.air', '1200'],
      ['warning', 'NOT_TWO_SIGNIFICANT_DIGITS', 'sheets[0].transfers.sewer', '0.1'],
      ['warning', 'NOT_TWO_SIGNIFICANT_DIGITS', 'sheets[1].releases.air', '0.012'],
    ]);
    expect(issues[0].ja).toContain('1200 kg');
    expect(issues[2].en).toContain('mg-TEQ');
  });

  it('flags a sheet whose amounts are all zero', () => {
    const f = filing();
    f.sheets[1] = {
      substanceNumber: 300,
      releases: { air: '0.0', water: '0', soil: '0.0', landfill: '0.0' },
      transfers: { sewer: '0.0', offsite: '0.0' },
    };
    expect(summary(validateFiling(f, ctx()))).toEqual([['ALL_ZERO_SHEET', 'sheets[1]']]);
    expect(validateFiling(f, ctx())[0].tier).toBe('warning');
  });
});

describe('validateFiling: prior-year alerts', () => {
  function withPrior(air: string, priorAir: string) {
    const f = filing();
    f.sheets[0].releases.air = air;
    const prior = xyleneSheet();
    prior.releases.air = priorAir;
    return validateFiling(f, ctx({ priorYear: new Map([[80, prior]]) }));
  }

  it('alerts on an 11× increase with the prior value', () => {
    const issues = withPrior('1100', '100');
    expect(issues).toEqual([
      expect.objectContaining({ tier: 'prior_year', code: 'PRIOR_YEAR_CHANGE_10X', field: 'sheets[0].releases.air', priorValue: '100' }),
    ]);
    expect(issues[0].ja).toContain('大気への排出');
    expect(hasBlocking(issues)).toBe(false);
  });
  it('alerts on a fall to less than a tenth', () => {
    expect(summary(withPrior('9.0', '100'))).toEqual([['PRIOR_YEAR_CHANGE_10X', 'sheets[0].releases.air']]);
  });
  it.each([
    ['9× up', '900', '100'],
    ['exactly 10× up', '1000', '100'],
    ['exactly a tenth', '10', '100'],
    ['0 → 5', '5.0', '0.0'],
    ['5 → 0', '0.0', '5.0'],
    ['unchanged', '1200', '1200'],
  ])('no alert for %s', (_label, air, priorAir) => {
    expect(withPrior(air, priorAir)).toEqual([]);
  });
  it('ignores substances without a prior-year sheet', () => {
    const f = filing();
    f.sheets[0].releases.air = '1100';
    const prior = dioxinSheet();
    expect(validateFiling(f, ctx({ priorYear: new Map([[278, prior]]) }))).toEqual([]);
  });
});

describe('sortSheets', () => {
  it('orders by substance number without changing the input', () => {
    const input = [dioxinSheet(), { ...xyleneSheet(), substanceNumber: 300 }, xyleneSheet()];
    const sorted = sortSheets(input);
    expect(sorted.map((s) => s.substanceNumber)).toEqual([80, 278, 300]);
    expect(input.map((s) => s.substanceNumber)).toEqual([278, 300, 80]);
  });
});
