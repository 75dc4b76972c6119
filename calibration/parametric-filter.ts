/**
 * One correction filter in plain units, as `lathe room correct --json` prints it and the REW,
 * Equalizer APO and CamillaDSP exports write it. Cookbook (RBJ) designs; shelves use the
 * cookbook's Q form, as the engine's EQ does.
 */
export interface ParametricFilter {
  readonly type: 'peaking' | 'lowshelf' | 'highshelf';
  readonly hz: number;
  readonly q: number;
  readonly gainDb: number;
}
