import { HUI_METER_LEVEL_MAX } from '../hui/hui-host-messages.ts';
import { meterLevel, type MeterLaw } from '../mcu/mcu-meter.ts';

/**
 * dB -> HUI meter level 0..12 (poly pressure `A0 <strip> <side << 4 | level>`), with the same
 * laws as the Mackie meters so both read alike: `ardour` puts 0 dBFS at 11, and the HUI's top
 * segment (12) lights only above full scale (from about +0.7 dB); `linear70` reaches 12 just
 * below 0 dBFS. Mackie's 13 has no HUI segment, so it reads as 12. Pure.
 */
export function huiMeterLevel(db: number, law: MeterLaw = 'ardour'): number {
  return Math.min(HUI_METER_LEVEL_MAX, meterLevel(db, law));
}
