/** A UTF-16 surrogate without its pair: not a character, and PostgreSQL refuses it in jsonb. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** The string with every lone surrogate replaced by U+FFFD (what the driver does to text parameters). */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATES, '\ufffd');
}

/** JSON for a jsonb parameter: every string, at any depth, made well-formed first. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v));
}
