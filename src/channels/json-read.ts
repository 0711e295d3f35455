/** Narrowing readers for untrusted JSON: nothing from a platform payload is cast blindly. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field (numbers are accepted as their decimal text, as X ids sometimes are), else undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A non-empty string field, else undefined. */
export function nonEmpty(value: unknown): string | undefined {
  const s = str(value);
  return s === undefined || s === '' ? undefined : s;
}

/** A finite, non-negative count, else undefined. */
export function count(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

/** The object items of an array field (anything else is ignored). */
export function records(value: unknown): JsonRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** The object at `key`, or an empty object. */
export function child(value: JsonRecord, key: string): JsonRecord {
  const inner = value[key];
  return isRecord(inner) ? inner : {};
}
