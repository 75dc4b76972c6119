import type { TSchema } from 'typebox';
import { MappingDocumentSchema, type MappingDocument } from '../mapping/mapping-pages.ts';

interface SchemaShape {
  properties?: Record<string, TSchema>;
  items?: TSchema;
  anyOf?: TSchema[];
}

/**
 * Key order of an object schema; for a union, the keys of its object variants in the order
 * they first appear (every variant here starts with its `kind`).
 */
function propertiesOf(schemas: readonly TSchema[]): Map<string, TSchema[]> {
  const out = new Map<string, TSchema[]>();
  for (const schema of schemas) {
    const shape = schema as SchemaShape;
    if (shape.anyOf !== undefined) {
      for (const [key, children] of propertiesOf(shape.anyOf))
        out.set(key, [...(out.get(key) ?? []), ...children]);
      continue;
    }
    for (const [key, child] of Object.entries(shape.properties ?? {}))
      out.set(key, [...(out.get(key) ?? []), child]);
  }
  return out;
}

function itemsOf(schemas: readonly TSchema[]): TSchema[] {
  const out: TSchema[] = [];
  for (const schema of schemas) {
    const shape = schema as SchemaShape;
    if (shape.anyOf !== undefined) out.push(...itemsOf(shape.anyOf));
    else if (shape.items !== undefined) out.push(shape.items);
  }
  return out;
}

/** A copy of `value` with object keys in schema order (absent optional keys stay absent). */
function ordered(schemas: readonly TSchema[], value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = itemsOf(schemas);
    return value.map((item: unknown) => ordered(items, item));
  }
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, children] of propertiesOf(schemas))
    if (record[key] !== undefined) out[key] = ordered(children, record[key]);
  return out;
}

/**
 * A mapping document as text: keys in the schema's order, two-space indent, final newline, so
 * saving after a learn diffs only where bindings changed and save -> load -> save is identical.
 * Keys the schema does not know are dropped (a parsed document has none).
 */
export function serializeMappingDocument(doc: MappingDocument): string {
  return `${JSON.stringify(ordered([MappingDocumentSchema], doc), null, 2)}\n`;
}
