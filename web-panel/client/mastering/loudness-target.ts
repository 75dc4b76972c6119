/**
 * <lathe-loudness-target>: the loudness target preset the meters judge against (shared by every
 * panel), read with GET /api/meters/targets and GET /api/meters/target, set with
 * PUT /api/meters/target {"preset": name}.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { apiCall } from '../api-client.ts';
import { selectStyles } from '../controls/select-styles.ts';

interface TargetPreset {
  readonly preset: string;
  readonly title: string;
  readonly integratedLufs: number | null;
  readonly ceilingDbtp: number;
}

/** A preset as the routes may spell it ({preset} or {name}); null when unusable. */
function toPreset(raw: unknown): TargetPreset | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const name =
    typeof r['preset'] === 'string' ? r['preset'] : typeof r['name'] === 'string' ? r['name'] : null;
  if (name === null) return null;
  const lufs = r['integratedLufs'] ?? r['lufs'];
  const ceiling = r['ceilingDbtp'] ?? r['truePeakDbtp'];
  return {
    preset: name,
    title: typeof r['title'] === 'string' ? r['title'] : name,
    integratedLufs: typeof lufs === 'number' ? lufs : null,
    ceilingDbtp: typeof ceiling === 'number' ? ceiling : Number.NaN,
  };
}

function toPresetList(body: unknown): TargetPreset[] {
  const list = Array.isArray(body)
    ? body
    : ((body as Record<string, unknown> | null)?.['targets'] ??
      (body as Record<string, unknown> | null)?.['presets']);
  return Array.isArray(list) ? list.map(toPreset).filter((p): p is TargetPreset => p !== null) : [];
}

function describe(preset: TargetPreset): string {
  const lufs = preset.integratedLufs === null ? 'no LUFS target' : `${preset.integratedLufs} LUFS`;
  const ceiling = Number.isFinite(preset.ceilingDbtp) ? `, ceiling ${preset.ceilingDbtp} dBTP` : '';
  return `${lufs}${ceiling}`;
}

@customElement('lathe-loudness-target')
export class LatheLoudnessTarget extends LitElement {
  static override styles = [
    selectStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
        font-size: 13px;
        color: #aab1bb;
      }
      .error {
        color: #ff8a7a;
      }
    `,
  ];

  @property({ type: Boolean }) disabled = false;
  @state() private presets: TargetPreset[] = [];
  @state() private current: string | null = null;
  @state() private error: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const current = this.presets.find((p) => p.preset === this.current);
    return html`<label for="target">Loudness target</label>
      <select
        id="target"
        data-loudness-target
        aria-label="Loudness target preset"
        ?disabled=${this.disabled || this.presets.length === 0}
        @change=${this.onChange}
      >
        ${this.current === null ? html`<option value="" selected>—</option>` : nothing}
        ${this.presets.map(
          (p) => html`<option value=${p.preset} ?selected=${p.preset === this.current}>${p.title}</option>`,
        )}
      </select>
      ${current ? html`<span data-target-summary>${describe(current)}</span>` : nothing}
      ${this.error === null ? nothing : html`<span class="error" role="alert">${this.error}</span>`}`;
  }

  private async load(): Promise<void> {
    try {
      const [list, target] = await Promise.all([
        apiCall<unknown>('GET', '/api/meters/targets'),
        apiCall<unknown>('GET', '/api/meters/target'),
      ]);
      this.presets = toPresetList(list);
      this.current = toPreset(target)?.preset ?? null;
      this.error = null;
    } catch (error) {
      this.error = `targets: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private readonly onChange = async (event: Event): Promise<void> => {
    const preset = (event.currentTarget as HTMLSelectElement).value;
    if (preset === '') return;
    try {
      const target = await apiCall<unknown>('PUT', '/api/meters/target', { preset });
      this.current = toPreset(target)?.preset ?? preset;
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-loudness-target': LatheLoudnessTarget;
  }
}
