import { describe, expect, it } from 'vitest';
import { MotorFaderScheduler } from '../../control-surface/index.ts';

const make = () =>
  new MotorFaderScheduler({ faders: 2, maxRateHz: 100, releaseGraceMs: 200, fakeTouchMs: 3000 });

describe('MotorFaderScheduler (the shared motor-fader rules, simulated time)', () => {
  it('coalesces a 1 kHz automation stream to the configured rate, latest value wins, no duplicates', () => {
    const s = make();
    const sent: number[] = [];
    for (let t = 0; t < 1000; t++) {
      s.setTarget(0, 1000 + (t % 500));
      for (const setpoint of s.due(t)) sent.push(setpoint.position);
    }
    expect(sent.length).toBeLessThanOrEqual(100 + 1);
    expect(sent.length).toBeGreaterThan(90);
    // The stream's last value still goes out (latest wins) once the rate allows...
    expect(s.due(1010)).toEqual([{ fader: 0, position: 1499 }]);
    // ...and the same value again is never re-sent.
    s.setTarget(0, 1499);
    expect(s.due(2000)).toEqual([]);
  });

  it('sends nothing to a touched fader, then the authoritative value after the grace, even if unchanged', () => {
    const s = make();
    s.setTarget(1, 5000);
    expect(s.due(0)).toEqual([{ fader: 1, position: 5000 }]);
    s.touch(1, true, 10);
    s.setTarget(1, 7000);
    expect(s.due(50)).toEqual([]);
    s.setTarget(1, 5000); // back to the value last sent: after a touch it still goes out
    s.touch(1, false, 100);
    expect(s.due(250)).toEqual([]);
    expect(s.due(301)).toEqual([{ fader: 1, position: 5000 }]);
  });

  it('fake touch: moves reported without a touch edge hold setpoints off until 3 s after the last one', () => {
    const s = make();
    s.setTarget(0, 100);
    s.due(0);
    s.reportedMove(0, 1000);
    s.setTarget(0, 900);
    expect(s.isTouched(0, 2000)).toBe(true);
    s.reportedMove(0, 3000);
    expect(s.due(5999)).toEqual([]);
    expect(s.isTouched(0, 6001)).toBe(false);
    expect(s.due(6100)).toEqual([]); // release grace
    expect(s.due(6201)).toEqual([{ fader: 0, position: 900 }]);
  });

  it('a real touch edge replaces a fake touch', () => {
    const s = make();
    s.reportedMove(0, 0);
    s.touch(0, true, 10);
    s.touch(0, false, 20);
    s.setTarget(0, 42);
    expect(s.isTouched(0, 30)).toBe(false);
    expect(s.due(221)).toEqual([{ fader: 0, position: 42 }]);
  });

  it('after invalidate (a reconnect) every known target goes out again', () => {
    const s = make();
    s.setTarget(0, 1);
    s.setTarget(1, 2);
    s.due(0);
    expect(s.due(100)).toEqual([]);
    s.invalidate();
    expect(s.due(101)).toEqual([
      { fader: 0, position: 1 },
      { fader: 1, position: 2 },
    ]);
  });
});
