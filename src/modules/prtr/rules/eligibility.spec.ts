import { DomainError } from '../../../core/errors/domain-error';
import type { IndustryRef, SubstanceRef } from '../content';
import { checkEligibility, EligibilityInput, SPECIAL_FACILITIES, SPECIAL_FACILITY_LABELS } from './eligibility';

const industries: IndustryRef[] = [
  { code: '1600', name: '化学工業', ministers: ['METI', 'MHLW'], defaultMinister: null },
  { code: '2000', name: 'ゴム製品製造業', ministers: ['METI'], defaultMinister: 'METI' },
];
const substances: SubstanceRef[] = [
  { number: 80, name: 'キシレン', specified: false, unit: 'kg' },
  { number: 300, name: 'トルエン', specified: false, unit: 'kg' },
  { number: 400, name: 'ベンゼン', specified: true, unit: 'kg' },
  { number: 278, name: 'ダイオキシン類', specified: true, unit: 'mg-TEQ' },
];
const master = {
  industry: (code: string) => industries.find((i) => i.code === code),
  substance: (n: number) => substances.find((s) => s.number === n),
};

function input(over: Partial<EligibilityInput> = {}): EligibilityInput {
  return {
    industryCode: '1600',
    employees: 21,
    facilities: [{ name: '第一工場', substances: [{ number: 80, handledKg: '1000' }] }],
    ...over,
  };
}

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('checkEligibility', () => {
  it.each([
    ['all conditions met', input(), true, ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'FACILITY_MEETS_THRESHOLD']],
    ['not a target industry', input({ industryCode: '9999' }), false, ['NOT_TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'FACILITY_MEETS_THRESHOLD']],
    ['20 employees', input({ employees: 20 }), false, ['TARGET_INDUSTRY', 'EMPLOYEES_BELOW_21', 'FACILITY_MEETS_THRESHOLD']],
    ['21 employees', input({ employees: 21 }), true, ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'FACILITY_MEETS_THRESHOLD']],
    [
      '999.9 kg',
      input({ facilities: [{ substances: [{ number: 80, handledKg: '999.9' }] }] }),
      false,
      ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'NO_FACILITY_OVER_THRESHOLD'],
    ],
    [
      '999.999999 kg',
      input({ facilities: [{ substances: [{ number: 80, handledKg: '999.999999' }] }] }),
      false,
      ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'NO_FACILITY_OVER_THRESHOLD'],
    ],
    [
      'specified 499 kg',
      input({ facilities: [{ substances: [{ number: 400, handledKg: '499' }] }] }),
      false,
      ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'NO_FACILITY_OVER_THRESHOLD'],
    ],
    [
      'specified 500 kg',
      input({ facilities: [{ substances: [{ number: 400, handledKg: '500' }] }] }),
      true,
      ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'FACILITY_MEETS_THRESHOLD'],
    ],
    [
      'non-specified 500 kg',
      input({ facilities: [{ substances: [{ number: 300, handledKg: '500' }] }] }),
      false,
      ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'NO_FACILITY_OVER_THRESHOLD'],
    ],
    [
      'special facility with no substances',
      input({ facilities: [{ name: '処理場', specialFacilities: ['sewage_plant'] }] }),
      true,
      ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'FACILITY_MEETS_THRESHOLD'],
    ],
    ['no facilities', input({ facilities: [] }), false, ['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'NO_FACILITY_OVER_THRESHOLD']],
    [
      'everything negative',
      input({ industryCode: '0100', employees: 5, facilities: [{ substances: [{ number: 80, handledKg: '10' }] }] }),
      false,
      ['NOT_TARGET_INDUSTRY', 'EMPLOYEES_BELOW_21', 'NO_FACILITY_OVER_THRESHOLD'],
    ],
  ])('%s', (_label, inp, mustFile, expected) => {
    const r = checkEligibility(inp, master);
    expect(r.mustFile).toBe(mustFile);
    expect(codes(r)).toEqual(expected);
    for (const reason of r.reasons) {
      expect(reason.ja).toBeTruthy();
      expect(reason.en).toBeTruthy();
    }
  });

  it('names the substance and counts exactly 1000 kg', () => {
    const r = checkEligibility(input(), master);
    expect(r.facilities[0]).toMatchObject({ index: 0, name: '第一工場', mustFile: true });
    expect(r.facilities[0].reasons).toEqual([
      expect.objectContaining({ code: 'HANDLED_AT_LEAST_1T', substanceNumber: 80 }),
    ]);
    expect(r.facilities[0].reasons[0].ja).toContain('キシレン');
    expect(r.facilities[0].reasons[0].en).toContain('キシレン');
  });

  it('gives the specified-substance reason at 500 kg', () => {
    const r = checkEligibility(input({ facilities: [{ substances: [{ number: 400, handledKg: '500.0' }] }] }), master);
    expect(r.facilities[0].reasons).toEqual([
      expect.objectContaining({ code: 'SPECIFIED_HANDLED_AT_LEAST_0_5T', substanceNumber: 400 }),
    ]);
    expect(r.facilities[0].reasons[0].ja).toContain('ベンゼン');
  });

  it('evaluates each facility; only one qualifies', () => {
    const r = checkEligibility(
      input({
        facilities: [
          { name: 'A工場', substances: [{ number: 80, handledKg: '10' }, { number: 400, handledKg: '100' }] },
          { name: 'B工場', substances: [{ number: 80, handledKg: '200' }, { number: 300, handledKg: '1500' }] },
          { substances: [] },
        ],
      }),
      master,
    );
    expect(r.mustFile).toBe(true);
    expect(r.facilities.map((f) => [f.index, f.name, f.mustFile])).toEqual([
      [0, 'A工場', false],
      [1, 'B工場', true],
      [2, null, false],
    ]);
    expect(codes(r.facilities[0])).toEqual(['BELOW_THRESHOLD']);
    expect(r.facilities[1].reasons).toEqual([expect.objectContaining({ code: 'HANDLED_AT_LEAST_1T', substanceNumber: 300 })]);
    expect(codes(r)).toEqual(['TARGET_INDUSTRY', 'EMPLOYEES_AT_LEAST_21', 'FACILITY_MEETS_THRESHOLD']);
    expect(r.reasons[2].ja).toContain('B工場');
  });

  it('a qualifying facility does not have to file when the company does not qualify', () => {
    const r = checkEligibility(input({ employees: 20 }), master);
    expect(r.facilities[0].mustFile).toBe(false);
    expect(codes(r.facilities[0])).toEqual(['HANDLED_AT_LEAST_1T']);
  });

  it('lists every reason of a facility: special facilities and substances', () => {
    const r = checkEligibility(
      input({
        facilities: [
          {
            specialFacilities: ['waste_disposal', 'dioxin_facility'],
            substances: [{ number: 80, handledKg: '2000' }, { number: 400, handledKg: '600' }, { number: 278, handledKg: '5000' }],
          },
        ],
      }),
      master,
    );
    expect(codes(r.facilities[0])).toEqual(['SPECIAL_FACILITY', 'SPECIAL_FACILITY', 'HANDLED_AT_LEAST_1T', 'SPECIFIED_HANDLED_AT_LEAST_0_5T']);
    expect(r.facilities[0].reasons[0].ja).toContain(SPECIAL_FACILITY_LABELS.waste_disposal.ja);
  });

  it('labels every special facility', () => {
    for (const sf of SPECIAL_FACILITIES) {
      expect(SPECIAL_FACILITY_LABELS[sf].ja).toBeTruthy();
      expect(SPECIAL_FACILITY_LABELS[sf].en).toBeTruthy();
    }
  });

  function errorOf(fn: () => unknown): DomainError {
    try {
      fn();
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
    throw new Error('no error thrown');
  }

  it('rejects an unknown substance number with its field path', () => {
    const e = errorOf(() =>
      checkEligibility(
        input({ facilities: [{ substances: [{ number: 80, handledKg: '1' }, { number: 9999, handledKg: '1' }] }] }),
        master,
      ),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual({
      fields: [{ field: 'facilities[0].substances[1].number', problems: [expect.stringContaining('9999')] }],
    });
  });

  it('rejects malformed amounts, duplicates, bad special facilities and employees, all at once', () => {
    const e = errorOf(() =>
      checkEligibility(
        {
          industryCode: '1600',
          employees: 20.5,
          facilities: [
            { name: 'x' },
            {
              specialFacilities: ['factory' as never],
              substances: [
                { number: 80, handledKg: '-1' },
                { number: 80, handledKg: '1e3' },
                { number: 300, handledKg: 1000 as unknown as string },
              ],
            },
          ],
        },
        master,
      ),
    );
    const fields = (e.details as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toEqual([
      'employees',
      'facilities[1].specialFacilities[0]',
      'facilities[1].substances[0].handledKg',
      'facilities[1].substances[1].number',
      'facilities[1].substances[1].handledKg',
      'facilities[1].substances[2].handledKg',
    ]);
  });
});
