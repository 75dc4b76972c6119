import { LatheError } from '../engine/index.ts';
import { PARAM_GROUPS, paramGroup, paramSection, type ParamGroup } from './param-group.ts';

/**
 * What a recall may change. Sections choose where (strips by number, auxes by number, the master
 * chain, the monitor path); groups choose what (EQ, faders, ...). Leaving sections out means
 * every section; leaving groups out means every group; `{}` is the whole session.
 */
export interface RecallScope {
  readonly strips?: readonly number[];
  readonly auxes?: readonly number[];
  readonly master?: boolean;
  readonly monitor?: boolean;
  readonly groups?: readonly ParamGroup[];
}

/** Checks a scope from outside (REST, CLI) against the console: numbers in range, known groups. */
export function checkRecallScope(raw: unknown, stripCount: number, auxCount: number): RecallScope {
  const fail = (what: string): never => {
    throw new LatheError('LATHE_RECALL_SCOPE_INVALID', `recall scope: ${what}`);
  };
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail('must be an object');
  const record = raw as Record<string, unknown>;
  const known = ['strips', 'auxes', 'master', 'monitor', 'groups'];
  const unknown = Object.keys(record).filter((key) => !known.includes(key));
  if (unknown.length > 0) fail(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const numbers = (key: string, max: number): number[] | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return fail(`"${key}" must be an array of numbers`);
    return value.map((n: unknown) => {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
        return fail(`"${key}" has ${JSON.stringify(n)}; this console has ${key} 1 to ${max}`);
      }
      return n;
    });
  };
  const flag = (key: string): boolean | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return fail(`"${key}" must be true or false`);
    return value;
  };
  const groupsRaw = record['groups'];
  let groups: ParamGroup[] | undefined;
  if (groupsRaw !== undefined) {
    if (!Array.isArray(groupsRaw)) fail('"groups" must be an array');
    groups = (groupsRaw as unknown[]).map((g) => {
      if (typeof g !== 'string' || !(PARAM_GROUPS as readonly string[]).includes(g)) {
        return fail(`unknown group ${JSON.stringify(g)}; groups are ${PARAM_GROUPS.join(', ')}`);
      }
      return g as ParamGroup;
    });
  }
  const strips = numbers('strips', stripCount);
  const auxes = numbers('auxes', auxCount);
  const master = flag('master');
  const monitor = flag('monitor');
  return {
    ...(strips === undefined ? {} : { strips }),
    ...(auxes === undefined ? {} : { auxes }),
    ...(master === undefined ? {} : { master }),
    ...(monitor === undefined ? {} : { monitor }),
    ...(groups === undefined ? {} : { groups }),
  };
}

/** Whether the scope reaches parameter `id`. */
export function inRecallScope(id: string, scope: RecallScope): boolean {
  const sectionsNamed =
    scope.strips !== undefined ||
    scope.auxes !== undefined ||
    scope.master !== undefined ||
    scope.monitor !== undefined;
  if (sectionsNamed) {
    const { section, number } = paramSection(id);
    const chosen =
      (section === 'strip' && number !== null && (scope.strips?.includes(number) ?? false)) ||
      (section === 'aux' && number !== null && (scope.auxes?.includes(number) ?? false)) ||
      (section === 'master' && scope.master === true) ||
      (section === 'monitor' && scope.monitor === true);
    if (!chosen) return false;
  }
  if (scope.groups !== undefined) {
    const group = paramGroup(id);
    if (group === null || !scope.groups.includes(group)) return false;
  }
  return true;
}

/** Safes are parameter ids, or prefixes ending in "/" that make a whole strip or section safe. */
export function isSafe(id: string, safes: readonly string[]): boolean {
  for (const safe of safes) {
    if (safe === id || (safe.endsWith('/') && id.startsWith(safe))) return true;
  }
  return false;
}
