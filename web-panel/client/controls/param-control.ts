/** The generic control for a parameter: toggle for bool, select for enum, slider for the rest. */
import { html, type TemplateResult } from 'lit';
import type { ParamInfo } from '../../protocol/index.ts';
import './param-select.ts';
import './param-slider.ts';
import './param-toggle.ts';

export function paramControl(info: ParamInfo, name: string, disabled: boolean): TemplateResult {
  if (info.unit === 'bool')
    return html`<lathe-param-toggle .info=${info} .name=${name} ?disabled=${disabled}></lathe-param-toggle>`;
  if (info.unit === 'enum')
    return html`<lathe-param-select .info=${info} .name=${name} ?disabled=${disabled}></lathe-param-select>`;
  return html`<lathe-param-slider .info=${info} .name=${name} ?disabled=${disabled}></lathe-param-slider>`;
}
