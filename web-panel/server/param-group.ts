/**
 * The processor a parameter belongs to within its owner, for the panel's grouped detail views:
 * a strip's `gate`, `eq`, `comp`, `sat` (the engine's STRIP_CHAIN names), `input`, `sends`,
 * `channel`; the master's stages (MASTER_STAGES names), `chain`, `output`, `channel`; an aux's
 * `effect` or `return`; `monitor`. Taken from the engine's processor registry, so a new
 * processor key lands in the right group without a list here.
 */
import { MASTER_STAGES, OUTPUT_STAGE, STRIP_CHAIN, type PlacedKind } from '../../engine/index.ts';

function groupsByKey(
  chain: readonly PlacedKind[],
  rename: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const groups = new Map<string, string>();
  for (const placed of chain)
    for (const template of placed.kind.params)
      groups.set(`${placed.prefix}${template.key}`, rename[placed.name] ?? placed.name);
  return groups;
}

const STRIP_GROUPS = groupsByKey(STRIP_CHAIN);
// The dither is the output format (word length, dither type), shown with the output gain.
const MASTER_GROUPS = groupsByKey([...MASTER_STAGES, OUTPUT_STAGE], { [OUTPUT_STAGE.name]: 'output' });

const OWNER = /^(strip|aux)\/\d+\/(.+)$/;

export function paramGroup(id: string): string {
  const owned = OWNER.exec(id);
  if (owned) {
    const [, owner, key] = owned as unknown as [string, string, string];
    if (owner === 'aux') return key === 'return' || key === 'mute' ? 'return' : 'effect';
    const group = STRIP_GROUPS.get(key);
    if (group !== undefined) return group;
    if (key.startsWith('input/')) return 'input';
    if (key.startsWith('send/')) return 'sends';
    return 'channel';
  }
  if (id.startsWith('master/')) {
    const key = id.slice('master/'.length);
    if (key === 'chain-order') return 'chain';
    if (key === 'output') return 'output';
    return MASTER_GROUPS.get(key) ?? 'channel';
  }
  return id.slice(0, id.indexOf('/'));
}
