/**
 * The panel's pages and their addresses (`#/mixer` …): a plain hash, so a page can be
 * bookmarked, reloaded, and opened directly by the browser tests. Pure, no DOM.
 */
export const PANEL_ROUTES = [
  { id: 'mixer', title: 'Mixer' },
  { id: 'mastering', title: 'Mastering' },
  { id: 'meters', title: 'Meters' },
  { id: 'room', title: 'Room' },
  { id: 'sessions', title: 'Sessions' },
  { id: 'surfaces', title: 'Surfaces & devices' },
] as const;

export type PanelRouteId = (typeof PANEL_ROUTES)[number]['id'];

/** The page a location hash names; the mixer for anything else. */
export function routeFromHash(hash: string): PanelRouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return PANEL_ROUTES.find((route) => route.id === id)?.id ?? 'mixer';
}
