/**
 * The mapping layer: which console parameter each control of a surface drives, and how. Data,
 * shared by every surface driver (serial fader boards now, MIDI surfaces and user mapping files
 * next), so an engineer can change what a control does without code.
 */
export type ControlKind = 'fader' | 'button' | 'encoder' | 'led';

export type BindingMode =
  /** Faders: the control's position is the parameter's normalized position (its taper applies). */
  | { readonly kind: 'absolute' }
  /** Buttons: each press flips a 0/1 parameter. */
  | { readonly kind: 'toggle' }
  /** Encoders: each detent moves the normalized position by `step` (sign = direction). */
  | { readonly kind: 'relative'; readonly step: number }
  /** LEDs: lit while a 0/1 parameter is 1. */
  | { readonly kind: 'indicator' };

/** How an encoder's LED ring shows its parameter (the Mackie ring modes). */
export type RingStyle = 'dot' | 'boostCut' | 'wrap' | 'spread';

export interface ControlBinding {
  readonly control: ControlKind;
  readonly index: number;
  readonly param: string;
  readonly mode: BindingMode;
  /** Encoders with a ring: how it is drawn (default `dot`). */
  readonly ring?: RingStyle;
  /** What a display shows for this control instead of the parameter's own label. */
  readonly label?: string;
}

export interface SurfaceMapping {
  readonly name: string;
  readonly bindings: readonly ControlBinding[];
  /** Characters per strip on a surface's display; label i starts at i * displayWidth. */
  readonly displayWidth: number;
}

/** Lookups both ways: control -> binding (input), parameter -> bindings (feedback). */
export class MappingIndex {
  readonly mapping: SurfaceMapping;
  private readonly byControl = new Map<string, ControlBinding>();
  private readonly byParam = new Map<string, ControlBinding[]>();

  constructor(mapping: SurfaceMapping) {
    this.mapping = mapping;
    for (const binding of mapping.bindings) {
      this.byControl.set(`${binding.control}/${binding.index}`, binding);
      const list = this.byParam.get(binding.param) ?? [];
      list.push(binding);
      this.byParam.set(binding.param, list);
    }
  }

  binding(control: ControlKind, index: number): ControlBinding | undefined {
    return this.byControl.get(`${control}/${index}`);
  }

  bindingsFor(param: string): readonly ControlBinding[] {
    return this.byParam.get(param) ?? [];
  }

  /** Parameters of one kind of control, by index (for labels and full-state pushes). */
  boundTo(control: ControlKind): ControlBinding[] {
    return this.mapping.bindings.filter((b) => b.control === control).sort((a, b) => a.index - b.index);
  }
}
