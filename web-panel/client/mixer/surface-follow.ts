/**
 * SurfaceFollow: while on, polls GET /api/surfaces about 4 times a second and reports the bank
 * (first strip, count) of the chosen surface, so the mixer can highlight and scroll to the strips
 * the surface controls. (Polling because no push message carries bank changes yet.)
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { apiCall } from '../api-client.ts';
import type { SurfaceStatus } from '../../protocol/index.ts';

/** 0-based strip indices the bank covers: bankOffset .. bankOffset + bankSize - 1. */
export interface Bank {
  readonly first: number;
  readonly count: number;
}

const POLL_MS = 250;

export class SurfaceFollow implements ReactiveController {
  enabled = false;
  surfaces: readonly SurfaceStatus[] = [];
  /** The surface followed (the first one until the user chooses). */
  surfaceId: string | null = null;
  error: string | null = null;
  private readonly host: ReactiveControllerHost;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connected = false;
  /** Bumped on every (re)start, so an older poll still in flight does not start a second loop. */
  private loop = 0;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  get bank(): Bank | null {
    if (!this.enabled) return null;
    const surface = this.surfaces.find((s) => s.id === this.surfaceId);
    return surface ? { first: surface.bankOffset, count: surface.bankSize } : null;
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    clearTimeout(this.timer);
    this.loop++;
    if (enabled) void this.poll(this.loop);
    this.host.requestUpdate();
  }

  choose(id: string): void {
    this.surfaceId = id;
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.connected = true;
    this.loop++;
    if (this.enabled) void this.poll(this.loop);
  }

  hostDisconnected(): void {
    this.connected = false;
    clearTimeout(this.timer);
  }

  /** Whether poll loop `loop` should go on (the user may have switched it off meanwhile). */
  private running(loop: number): boolean {
    return loop === this.loop && this.enabled && this.connected;
  }

  private async poll(loop: number): Promise<void> {
    if (!this.running(loop)) return;
    try {
      const body = await apiCall<{ surfaces?: SurfaceStatus[] }>('GET', '/api/surfaces');
      this.surfaces = Array.isArray(body.surfaces) ? body.surfaces : [];
      if (!this.surfaces.some((s) => s.id === this.surfaceId)) this.surfaceId = this.surfaces[0]?.id ?? null;
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    if (loop !== this.loop) return;
    this.host.requestUpdate();
    if (this.running(loop)) this.timer = setTimeout(() => void this.poll(loop), POLL_MS);
  }
}
