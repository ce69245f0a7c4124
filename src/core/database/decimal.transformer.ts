import Decimal from 'decimal.js';
import type { ValueTransformer } from 'typeorm';

/** numeric column <-> Decimal. Quantities never pass through a JS number. */
export const decimalTransformer: ValueTransformer = {
  to: (value: Decimal | string | null | undefined) =>
    value === null || value === undefined ? value : new Decimal(value).toFixed(),
  from: (value: string | null) => (value === null || value === undefined ? value : new Decimal(value)),
};
