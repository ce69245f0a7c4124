import type { NextFunction, Request, Response } from 'express';
import { countJsonValuesAtLeast, JSON_BODY_LIMITS, jsonBodyGuardMiddleware } from './middleware';

/** Runs the JSON body guard on a parsed body: 'next' when it lets the body through, else the error code. */
function guard(body: unknown): string {
  let outcome = 'unanswered';
  const res = {
    locals: {},
    headersSent: false,
    status: () => res,
    json: (b: { code: string }) => (outcome = b.code),
  } as unknown as Response;
  jsonBodyGuardMiddleware({ body, headers: {} } as Request, res, (() => (outcome = 'next')) as NextFunction);
  return outcome;
}

const text = (n: number) => 'あ'.repeat(n);
const amount = '1234567.8';

/** The largest filing a DTO accepts: 600 sheets, every optional field filled, 20 secondary industries. */
const largestFiling = {
  facilityId: '00000000-0000-4000-8000-000000000000',
  fiscalYear: 2025,
  mainForm: {
    filerName: text(200),
    filerAddress: text(200),
    representativeName: text(200),
    businessName: text(200),
    facilityName: text(200),
    facilityAddress: text(200),
    employees: 85,
    mainIndustryCode: '2000',
    secondaryIndustryCodes: Array.from({ length: 20 }, (_, i) => String(2100 + i)),
    ministerCode: 'METI',
    confidentialityClaim: false,
    contact: { department: text(200), name: text(100), phone: '03-1234-5678', email: 'prtr@example.co.jp' },
  },
  sheets: Array.from({ length: 600 }, (_, i) => ({
    substanceNumber: i + 1,
    releases: { air: amount, water: amount, waterBodyName: '多摩川', soil: amount, landfill: amount, landfillType: null },
    transfers: { sewer: amount, sewagePlantName: '森ヶ崎水再生センター', offsite: amount, offsiteTreatmentMethod: '焼却', offsiteWasteType: '廃油' },
  })),
};

describe('JSON body guard: complexity bounds', () => {
  it('lets the largest filing a DTO accepts through, well inside every bound', () => {
    expect(guard(largestFiling)).toBe('next');
    const raw = Buffer.from(JSON.stringify(largestFiling));
    expect(countJsonValuesAtLeast(raw) * 2).toBeLessThan(JSON_BODY_LIMITS.maxValues);
  });

  it('lets the bounds themselves through and refuses one more', () => {
    const object = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(guard(object(JSON_BODY_LIMITS.maxObjectKeys))).toBe('next');
    expect(guard({ a: object(JSON_BODY_LIMITS.maxObjectKeys + 1) })).toBe('BODY_TOO_COMPLEX');
    expect(guard({ a: Array(JSON_BODY_LIMITS.maxArrayElements).fill(0) })).toBe('next');
    expect(guard([Array(JSON_BODY_LIMITS.maxArrayElements + 1).fill(0)])).toBe('BODY_TOO_COMPLEX');
    // 1 (the body) + 10 arrays + 10 x 1,999 elements = 20,001 values
    const spread = (last: number) => Array.from({ length: 10 }, (_, i) => Array(i === 9 ? last : 1999).fill(0));
    expect(guard(spread(1998))).toBe('next');
    expect(guard(spread(1999))).toBe('BODY_TOO_COMPLEX');
  });

  it('counts the commas outside strings before parsing: a lower bound of the values', () => {
    const count = (json: string) => countJsonValuesAtLeast(Buffer.from(json));
    expect(count('{}')).toBe(1);
    expect(count('{"a":1,"b":[1,2,3]}')).toBe(4);
    expect(count('{"a,b":"c,\\",d","e":"\\\\",  "f":"ü,"}')).toBe(3);
    for (const body of [largestFiling, { a: [[1, 2], {}, [], { b: 'x,y' }] }]) {
      let walked = 0;
      const walk = (v: unknown): void => {
        walked++;
        if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(body);
      expect(count(JSON.stringify(body))).toBeLessThanOrEqual(walked);
    }
  });
});
