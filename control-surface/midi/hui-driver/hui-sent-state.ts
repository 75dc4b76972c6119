import { HUI_VPOTS } from '../hui/hui-surface-messages.ts';
import { SMALL_DISPLAYS } from '../hui/hui-sysex.ts';

const ZONES = 0x80;
const PORTS = 0x10;

/**
 * What a HUI unit was last sent, per LED (zone, port), V-Pot ring and small display, so only
 * changes go out. Each `should…` records the new value and says whether it must be sent;
 * `invalidate` forgets everything (reconnect, unit back online: rule 7). Pure.
 */
export class HuiSentState {
  /** -1 unknown, 0 off, 1 on. */
  private readonly leds = new Int8Array(ZONES * PORTS).fill(-1);
  private readonly rings = new Int16Array(HUI_VPOTS).fill(-1);
  private readonly displays: (string | null)[] = new Array<string | null>(SMALL_DISPLAYS).fill(null);

  shouldSendLed(zone: number, port: number, on: boolean): boolean {
    if (!(zone >= 0 && zone < ZONES && port >= 0 && port < PORTS)) return false;
    const key = zone * PORTS + port;
    const value = on ? 1 : 0;
    if (this.leds[key] === value) return false;
    this.leds[key] = value;
    return true;
  }

  shouldSendRing(vpot: number, ringByte: number): boolean {
    if (!(vpot >= 0 && vpot < HUI_VPOTS) || this.rings[vpot] === ringByte) return false;
    this.rings[vpot] = ringByte;
    return true;
  }

  /** `text` must already be the display's exact characters (padded or cut to its width). */
  shouldSendDisplay(display: number, text: string): boolean {
    if (!(display >= 0 && display < SMALL_DISPLAYS) || this.displays[display] === text) return false;
    this.displays[display] = text;
    return true;
  }

  invalidate(): void {
    this.leds.fill(-1);
    this.rings.fill(-1);
    this.displays.fill(null);
  }
}
