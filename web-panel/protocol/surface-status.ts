/**
 * The surface routes' wire shapes (web-panel/server/surface-routes.ts), shared by the server and
 * the panel. Pure types: the server builds them, it never parses them.
 */

/** One attached surface as the panel shows it (and the mixer follows its bank). */
export interface SurfaceStatus {
  /** Stable for the console's run: `serial-1`, `midi-1`, … in the order attached. */
  readonly id: string;
  readonly profile: string;
  readonly port: string;
  readonly kind: 'serial' | 'midi';
  /** The driver's own state word (online, connecting, reconnecting, failed, …). */
  readonly state: string;
  /** Console strip (0-based) on the surface's first fader, and how many strips it shows. */
  readonly bankOffset: number;
  readonly bankSize: number;
  /** Mapping page in force; null for surfaces without pages. */
  readonly page: string | null;
}

/** One mapping page a surface can show. */
export interface SurfacePage {
  readonly id: string;
  readonly name: string;
}
