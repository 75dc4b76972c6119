/** Colours the meter canvases share (canvas cannot read CSS custom properties without a style read). */
export const METER_COLOURS = {
  background: '#10141a',
  grid: '#2a313b',
  label: '#8c96a3',
  green: '#3ecf6e',
  amber: '#f2b233',
  red: '#f0524f',
  spectrum: '#4fb3f0',
  momentary: '#4fb3f0',
  shortTerm: '#f2b233',
  target: '#3ecf6e',
  trace: '140, 230, 170',
} as const;
