import Decimal from 'decimal.js';
import { isRoundedPrtrAmount, parseAmount, roundPrtrAmount } from './rounding';

describe('parseAmount', () => {
  it.each(['0', '0.0', '12', '1200', '0.05', '123456789012.123456'])('accepts %p', (s) => {
    expect(parseAmount(s)?.equals(new Decimal(s))).toBe(true);
  });
  it.each([
    '', ' 1', '1 ', '-1', '+1', '1.', '.5', '1e3', '1,200', '0x10', '1.1234567', '1234567890123', 'abc', 'NaN',
    'Infinity', 12, null, undefined, {},
  ])('rejects %p', (s) => {
    expect(parseAmount(s)).toBeNull();
  });
});

describe('roundPrtrAmount (kg)', () => {
  it.each([
    ['0', '0.0'],
    ['0.0', '0.0'],
    ['0.000001', '0.0'],
    ['0.04', '0.0'],
    ['0.049', '0.0'],
    ['0.05', '0.1'],
    ['0.14', '0.1'],
    ['0.15', '0.2'],
    ['0.94', '0.9'],
    ['0.95', '1.0'],
    ['0.99', '1.0'],
    ['1', '1.0'],
    ['1.04', '1.0'],
    ['1.05', '1.1'],
    ['2.345', '2.3'],
    ['2.35', '2.4'],
    ['5', '5.0'],
    ['9.94', '9.9'],
    ['9.95', '10'],
    ['10', '10'],
    ['12.5', '13'],
    ['99.4', '99'],
    ['99.5', '100'],
    ['150', '150'],
    ['155', '160'],
    ['1234', '1200'],
    ['1250', '1300'],
    ['9950', '10000'],
    ['12345678', '12000000'],
    ['999999999999.999999', '1000000000000'],
  ])('%s → %s', (input, expected) => {
    expect(roundPrtrAmount(input, 'kg')).toBe(expected);
    expect(roundPrtrAmount(new Decimal(input), 'kg')).toBe(expected);
  });
});

describe('roundPrtrAmount (mg-TEQ, dioxins)', () => {
  it.each([
    ['0', '0'],
    ['0.0', '0'],
    ['0.0123', '0.012'],
    ['0.0125', '0.013'],
    ['0.05', '0.050'],
    ['0.000001', '0.0000010'],
    ['0.995', '1.0'],
    ['1', '1.0'],
    ['9.95', '10'],
    ['99.5', '100'],
    ['1234', '1200'],
  ])('%s → %s', (input, expected) => {
    expect(roundPrtrAmount(input, 'mg-TEQ')).toBe(expected);
  });
});

describe('roundPrtrAmount input checks', () => {
  it('rejects malformed strings and negative or non-finite decimals', () => {
    expect(() => roundPrtrAmount('abc', 'kg')).toThrow(RangeError);
    expect(() => roundPrtrAmount(new Decimal(-1), 'kg')).toThrow(RangeError);
    expect(() => roundPrtrAmount(new Decimal(NaN), 'kg')).toThrow(RangeError);
  });
});

describe('isRoundedPrtrAmount', () => {
  it.each([
    ['1200', 'kg', true],
    ['1234', 'kg', false],
    ['0.0', 'kg', true],
    ['0', 'kg', true],
    ['0.05', 'kg', false],
    ['0.1', 'kg', true],
    ['0.10', 'kg', true],
    ['0.12', 'kg', false],
    ['5', 'kg', true],
    ['5.0', 'kg', true],
    ['9.95', 'kg', false],
    ['150', 'kg', true],
    ['155', 'kg', false],
    ['0.05', 'mg-TEQ', true],
    ['0.012', 'mg-TEQ', true],
    ['0.0123', 'mg-TEQ', false],
    ['0', 'mg-TEQ', true],
    ['abc', 'kg', false],
  ] as const)('%s %s → %s', (value, unit, expected) => {
    expect(isRoundedPrtrAmount(value, unit)).toBe(expected);
  });
});
