/**
 * Strict reading of the room routes' JSON bodies: unknown fields and wrong types are errors that
 * name the field (fastify's own validation would coerce them), thrown as RoomBodyError.
 */

export class RoomBodyError extends Error {}

export type BodyRecord = Readonly<Record<string, unknown>>;

/** The body as an object holding only `allowed` fields (an absent body is `{}`). */
export function bodyRecord(raw: unknown, allowed: readonly string[]): BodyRecord {
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new RoomBodyError('body must be a JSON object');
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new RoomBodyError(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
  return record;
}

/** A whole number in [min, max]; `fallback` when absent (undefined fallback: required). */
export function integerField(
  record: BodyRecord,
  key: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  const value = record[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RoomBodyError(`"${key}" must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A finite number in [min, max]; `fallback` when absent (undefined fallback: required). */
export function numberField(
  record: BodyRecord,
  key: string,
  min: number,
  max: number,
  unit: string,
  fallback?: number,
): number {
  const value = record[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RoomBodyError(`"${key}" must be a number from ${min} to ${max} ${unit}`);
  }
  return value;
}

/** A string of 1..maxLength characters; `fallback` when absent (undefined fallback: required). */
export function stringField(record: BodyRecord, key: string, maxLength: number, fallback?: string): string {
  const value = record[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
    throw new RoomBodyError(`"${key}" must be a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

/** An array of 1..maxItems elements. */
export function arrayField(record: BodyRecord, key: string, maxItems: number): readonly unknown[] {
  const value = record[key];
  if (!Array.isArray(value) || value.length === 0 || value.length > maxItems) {
    throw new RoomBodyError(`"${key}" must be an array of 1 to ${maxItems} items`);
  }
  return value;
}

/** `[low, high]` in Hz with min <= low < high <= max; `fallback` when absent. */
export function rangeField(
  record: BodyRecord,
  key: string,
  min: number,
  max: number,
  fallback?: readonly [number, number],
): readonly [number, number] | undefined {
  const value = record[key];
  if (value === undefined) return fallback;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'number' ||
    typeof value[1] !== 'number' ||
    !(value[0] >= min && value[0] < value[1] && value[1] <= max)
  ) {
    throw new RoomBodyError(`"${key}" must be [low, high] with ${min} <= low < high <= ${max} Hz`);
  }
  return [value[0], value[1]];
}

/** Reads element `index` of array field `key` with `read`; its errors are prefixed with where it is. */
export function itemOf<T>(
  item: unknown,
  key: string,
  index: number,
  allowed: readonly string[],
  read: (record: BodyRecord) => T,
): T {
  const where = `"${key}[${index}]"`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new RoomBodyError(`${where} must be an object`);
  }
  try {
    return read(bodyRecord(item, allowed));
  } catch (error) {
    if (error instanceof RoomBodyError) throw new RoomBodyError(`${where}: ${error.message}`);
    throw error;
  }
}
