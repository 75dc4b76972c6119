/** One error as TypeBox's compiled validators report them (`validator.Errors(data)`). */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: unknown;
}

export interface SchemaProblemOptions {
  /**
   * Plainer words by JSON path, array indices written as `*` (for example `/speakers/N/id` is looked up as `/speakers/` + `*` + `/id`),
   * for fields whose schema message would be cryptic (unions of literals, patterns).
   */
  readonly byPath?: Readonly<Record<string, string>>;
  /** Plainer words by failing keyword (e.g. `pattern`); they win over `byPath`. */
  readonly byKeyword?: Readonly<Record<string, string>>;
}

/**
 * The first schema error of a document as where (a JSON pointer, '' for the document) and what
 * (words a user can act on): unknown fields are named by their own path, missing ones listed.
 * Every document format (mix, album, session, calibration profile, surface data) reports its
 * errors through this, so they read alike.
 */
export function schemaProblem(
  errors: Iterable<SchemaError>,
  options: SchemaProblemOptions = {},
): { where: string; what: string } {
  let first: SchemaError | undefined;
  for (const error of errors) {
    first = error;
    break;
  }
  const where = first?.instancePath ?? '';
  if (first === undefined) return { where, what: 'is invalid' };
  if (first.keyword === 'additionalProperties' || first.keyword === 'boolean') {
    return { where, what: 'is not a known field' };
  }
  const byKeyword = options.byKeyword?.[first.keyword];
  if (byKeyword !== undefined) return { where, what: byKeyword };
  const byPath = options.byPath?.[where.replace(/\/\d+(?=\/|$)/g, '/*')];
  if (byPath !== undefined) return { where, what: byPath };
  if (first.keyword === 'required') {
    const missing = (first.params as { requiredProperties?: readonly string[] } | undefined)
      ?.requiredProperties;
    if (missing !== undefined && missing.length > 0)
      return { where, what: `is missing ${missing.join(', ')}` };
  }
  return { where, what: first.message ?? 'is invalid' };
}
