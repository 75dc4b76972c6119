/**
 * Parameter groups a scoped recall can name, from the parameter id's key (what follows
 * `strip/NN/`, `aux/NN/` or `master/`): e.g. recall only the EQs, or only the faders.
 */
export const PARAM_GROUPS = [
  'input',
  'filters',
  'eq',
  'dynamics',
  'saturation',
  'sends',
  'fader',
  'pan',
  'mute-solo',
  'aux-effect',
  'width',
  'output',
  'monitor',
] as const;

export type ParamGroup = (typeof PARAM_GROUPS)[number];

export type ParamSection = 'strip' | 'aux' | 'master' | 'monitor' | 'other';

/** The section a parameter belongs to and, for strips and auxes, its 1-based number. */
export function paramSection(id: string): { section: ParamSection; number: number | null } {
  const [head, second] = id.split('/');
  if ((head === 'strip' || head === 'aux') && second !== undefined && /^\d+$/.test(second)) {
    return { section: head, number: Number(second) };
  }
  if (head === 'master' || head === 'monitor') return { section: head, number: null };
  return { section: 'other', number: null };
}

/** The group of a parameter id, or null when it has none (then only whole-section scopes reach it). */
export function paramGroup(id: string): ParamGroup | null {
  const parts = id.split('/');
  const { section } = paramSection(id);
  if (section === 'monitor') return 'monitor';
  const key = section === 'strip' || section === 'aux' ? parts.slice(2) : parts.slice(1);
  const first = key[0];
  if (section === 'aux') return first === 'return' || first === 'mute' ? 'fader' : 'aux-effect';
  switch (first) {
    case 'input':
      return 'input';
    case 'hpf':
    case 'lpf':
      return 'filters';
    case 'eq':
      return 'eq';
    case 'gate':
    case 'comp':
    case 'multiband':
    case 'limiter':
      return 'dynamics';
    case 'sat':
      return 'saturation';
    case 'send':
      return 'sends';
    case 'fader':
      return 'fader';
    case 'pan':
      return 'pan';
    case 'mute':
    case 'solo':
    case 'solo-safe':
      return 'mute-solo';
    case 'width':
      return 'width';
    case 'output':
    case 'dither':
    case 'chain-order':
      return 'output';
    default:
      return null;
  }
}
