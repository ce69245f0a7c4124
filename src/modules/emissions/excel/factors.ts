import Decimal from 'decimal.js';

/**
 * The designated fuel and energy kinds of the calculation report, with units and emission
 * factors (t-CO2 per unit), modelled on the factors of Japan's GHG accounting rules.
 */
export interface EmissionFactor {
  label: string;
  unit: string;
  factor: Decimal;
}

export const EMISSION_FACTORS: EmissionFactor[] = [
  { label: '電気（一般送配電事業者）/ Electricity', unit: '千kWh', factor: new Decimal('0.441') },
  { label: '都市ガス / City gas', unit: '千m3', factor: new Decimal('2.05') },
  { label: 'A重油 / Heavy oil A', unit: 'kL', factor: new Decimal('2.71') },
  { label: '灯油 / Kerosene', unit: 'kL', factor: new Decimal('2.49') },
  { label: '軽油 / Diesel', unit: 'kL', factor: new Decimal('2.58') },
  { label: 'ガソリン / Gasoline', unit: 'kL', factor: new Decimal('2.32') },
  { label: 'LPG / Liquefied petroleum gas', unit: 't', factor: new Decimal('3.00') },
  { label: '蒸気（産業用）/ Steam', unit: 'GJ', factor: new Decimal('0.060') },
];

export const FACTORS_BY_LABEL = new Map(EMISSION_FACTORS.map((f) => [f.label, f]));
