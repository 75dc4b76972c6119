/**
 * The MCU's timecode and assignment displays and its jog wheel (issue 6, Deliver point 1): the
 * playhead on the 10-digit display (only changed digits sent), the page on the 2-digit display,
 * the jog wheel moving the playhead; a unit without them is left alone.
 */
import { describe, expect, it } from 'vitest';
import { sevenSegmentChar, timecodeText, type SurfaceTransport } from '../../../control-surface/index.ts';
import { mcuRig, type McuEmulator } from './mcu-rig.ts';

/** What the unit's 10-digit display reads, leftmost digit first, from the digits it was sent. */
function displayed(unit: McuEmulator): { timecode: string; assignment: string; timecodeMessages: number } {
  const digits = new Array<string>(10).fill('?');
  const assignment = ['?', '?'];
  let timecodeMessages = 0;
  for (const { message } of unit.log) {
    if (message.type === 'timecodeDigit') {
      digits[9 - message.digit] = sevenSegmentChar(message.code);
      timecodeMessages++;
    }
    if (message.type === 'assignmentDigit') assignment[1 - message.digit] = sevenSegmentChar(message.code);
  }
  return { timecode: digits.join(''), assignment: assignment.join(''), timecodeMessages };
}

class FakeTransport implements SurfaceTransport {
  seconds = 0;
  locates: number[] = [];
  position(): number {
    return this.seconds;
  }
  locate(seconds: number): void {
    this.locates.push(seconds);
    this.seconds = seconds;
  }
}

describe('MCU timecode, assignment and jog', () => {
  it('formats hours, minutes, seconds and milliseconds', () => {
    expect(timecodeText(3723.456)).toBe('0010203456');
    expect(timecodeText(0)).toBe('0000000000');
    expect(timecodeText(-5)).toBe('0000000000');
  });

  it('shows the playhead, sending only the digits that change; the page on the assignment display', async () => {
    const transport = new FakeTransport();
    transport.seconds = 62.5;
    const rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }], 8, { transport });
    const unit = rig.unit('MCU');
    rig.clock.advance(100);
    expect(displayed(unit).timecode).toBe('0000102500');
    expect(displayed(unit).assignment).toBe('MI');
    const before = displayed(unit).timecodeMessages;
    transport.seconds = 62.6;
    rig.clock.advance(100);
    expect(displayed(unit).timecode).toBe('0000102600');
    expect(displayed(unit).timecodeMessages - before).toBe(1);
    rig.clock.advance(1000);
    expect(displayed(unit).timecodeMessages - before).toBe(1); // unchanged: nothing sent
    expect(rig.driver.selectPage('master-chain')).toBe(true);
    rig.clock.advance(100);
    expect(displayed(unit).assignment).toBe('MA');
    await rig.driver.stop();
  });

  it('the jog wheel moves the playhead a tenth of a second per detent, never below zero', async () => {
    const transport = new FakeTransport();
    transport.seconds = 10;
    const rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }], 8, { transport });
    const unit = rig.unit('MCU');
    unit.send({ type: 'jog', delta: 3 });
    unit.send({ type: 'jog', delta: -1 });
    expect(transport.locates.map((s) => Number(s.toFixed(6)))).toEqual([10.3, 10.2]);
    // A detent message carries at most 63 ticks; two fast spins backwards pass zero.
    unit.send({ type: 'jog', delta: -63 });
    unit.send({ type: 'jog', delta: -63 });
    expect(transport.seconds).toBe(0);
    await rig.driver.stop();
  });

  it('an extender (no timecode, assignment or jog) gets none of it, and its jog input is counted, not applied', async () => {
    const transport = new FakeTransport();
    const rig = await mcuRig([{ port: 'XT', profile: 'mcu-xt' }], 8, { transport });
    const unit = rig.unit('XT');
    rig.clock.advance(200);
    expect(
      unit.log.filter((l) => l.message.type === 'timecodeDigit' || l.message.type === 'assignmentDigit'),
    ).toEqual([]);
    unit.send({ type: 'jog', delta: 5 });
    expect(transport.locates).toEqual([]);
    expect(rig.driver.counters(0)?.unmapped).toBeGreaterThan(0);
    await rig.driver.stop();
  });
});
