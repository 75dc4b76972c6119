/**
 * Groups an owner's parameters (`strip/01/...`, `master/...`) by processor, in the engine's
 * order, with readable titles and short control names (the owner's name taken off the label).
 * The group comes from the hello (`ParamInfo.group`, from the engine's processor registry). Pure.
 */
import type { ParamInfo } from '../../protocol/index.ts';

export interface ParamGroup {
  readonly id: string;
  readonly title: string;
  readonly params: readonly ParamInfo[];
}

const TITLES: Readonly<Record<string, string>> = {
  input: 'Input',
  gate: 'Gate',
  eq: 'EQ',
  comp: 'Compressor',
  sat: 'Saturation',
  sends: 'Sends',
  channel: 'Channel',
  chain: 'Chain order',
  multiband: 'Multiband',
  width: 'Width',
  limiter: 'Limiter',
  output: 'Output format',
  effect: 'Effect',
  return: 'Return',
};

export function groupTitle(id: string): string {
  return TITLES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

/** Every parameter whose id starts with `${owner}/`, grouped; groups in order of first appearance. */
export function groupParams(params: Iterable<ParamInfo>, owner: string): ParamGroup[] {
  const groups = new Map<string, ParamInfo[]>();
  const prefix = `${owner}/`;
  for (const info of params) {
    if (!info.param.startsWith(prefix)) continue;
    const id = info.group ?? 'channel';
    const list = groups.get(id);
    if (list) list.push(info);
    else groups.set(id, [info]);
  }
  return [...groups].map(([id, list]) => ({ id, title: groupTitle(id), params: list }));
}

/** The label without the owner's name ("Kick EQ 1 (low shelf) gain" -> "EQ 1 (low shelf) gain"). */
export function shortName(info: ParamInfo, ownerName: string): string {
  const label = info.label;
  return ownerName !== '' && label.startsWith(`${ownerName} `) ? label.slice(ownerName.length + 1) : label;
}

/**
 * A group's parameters split into rows by their id's path without the last segment (`eq/2` for
 * `strip/01/eq/2/gain`, `eq/band/3` for `master/eq/band/3/q`), so each EQ band or multiband band
 * lines up as its own row. Order of first appearance.
 */
export function paramRows(params: readonly ParamInfo[], owner: string): ParamInfo[][] {
  const rows = new Map<string, ParamInfo[]>();
  for (const info of params) {
    const rest = info.param.slice(owner.length + 1);
    const row = rest.includes('/') ? rest.slice(0, rest.lastIndexOf('/')) : '';
    const list = rows.get(row);
    if (list) list.push(info);
    else rows.set(row, [info]);
  }
  return [...rows.values()];
}
