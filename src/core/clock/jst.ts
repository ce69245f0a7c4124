/** Japan Standard Time: UTC+9, no daylight saving time. */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * An instant as its Japan time, 'YYYY-MM-DD HH:mm:ss' (JST): how the registry's Excel exports
 * write times (as the PRTR exports write Japan dates 'YYYY-MM-DD'). Accepts a Date or an ISO 8601
 * text; '' for none.
 */
export function jstDateTime(instant: Date | string | null | undefined): string {
  if (instant === null || instant === undefined || instant === '') return '';
  const t = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (!Number.isFinite(t)) throw new RangeError(`invalid time ${String(instant)}`);
  return new Date(t + JST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
