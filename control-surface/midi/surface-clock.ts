/**
 * Time for surface drivers, injected so tests run hours of surface time in milliseconds and
 * check rates exactly. `systemSurfaceClock` is the real one; `ManualSurfaceClock` moves only
 * when told.
 */
export interface SurfaceClock {
  now(): number;
  every(ms: number, run: () => void): SurfaceTimer;
  after(ms: number, run: () => void): SurfaceTimer;
}

export interface SurfaceTimer {
  cancel(): void;
}

export const systemSurfaceClock: SurfaceClock = {
  now: () => performance.now(),
  every: (ms, run) => {
    const handle = setInterval(run, ms);
    return {
      cancel: () => {
        clearInterval(handle);
      },
    };
  },
  after: (ms, run) => {
    const handle = setTimeout(run, ms);
    return {
      cancel: () => {
        clearTimeout(handle);
      },
    };
  },
};

interface ManualTimer {
  due: number;
  readonly period: number;
  readonly run: () => void;
  cancelled: boolean;
  readonly order: number;
}

/** Simulated time: `advance(ms)` runs every timer that falls due, in time order. */
export class ManualSurfaceClock implements SurfaceClock {
  private time = 0;
  private timers: ManualTimer[] = [];
  private created = 0;

  now(): number {
    return this.time;
  }

  every(ms: number, run: () => void): SurfaceTimer {
    return this.add(Math.max(1, ms), ms, run);
  }

  after(ms: number, run: () => void): SurfaceTimer {
    return this.add(Math.max(0, ms), 0, run);
  }

  /** Moves time forward, firing due timers (those they create too) at their own times. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers)
        if (
          !timer.cancelled &&
          timer.due <= end &&
          (next === undefined || timer.due < next.due || (timer.due === next.due && timer.order < next.order))
        )
          next = timer;
      if (next === undefined) break;
      this.time = Math.max(this.time, next.due);
      if (next.period > 0) next.due += next.period;
      else next.cancelled = true;
      next.run();
      this.timers = this.timers.filter((t) => !t.cancelled);
    }
    this.time = end;
  }

  private add(delay: number, period: number, run: () => void): SurfaceTimer {
    const timer: ManualTimer = {
      due: this.time + delay,
      period,
      run,
      cancelled: false,
      order: this.created++,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}
