/**
 * SurfacesController: the Surfaces & devices page's state. The surface list is polled while the
 * page is shown (states change by themselves: a board unplugged, a unit reconnecting); devices
 * are listed once (enumeration is slow) and on demand; MIDI learn is one request held open until
 * a control moves, times out or is cancelled.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorText } from '../sessions/error-text.ts';
import type { DeviceListing, SurfaceStatus } from '../../protocol/index.ts';
import { surfaceApi, type LearnedControl } from './surface-api.ts';

const POLL_MS = 1000;
export const LEARN_TIMEOUT_S = 30;

export type LearnState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'armed'; readonly param: string }
  | { readonly kind: 'learned'; readonly control: LearnedControl }
  | { readonly kind: 'failed'; readonly text: string };

export class SurfacesController implements ReactiveController {
  surfaces: readonly SurfaceStatus[] = [];
  pages = new Map<string, readonly { id: string; name: string }[]>();
  devices: DeviceListing | null = null;
  devicesError: string | null = null;
  surfacesError: string | null = null;
  learn: LearnState = { kind: 'idle' };
  /** Outcome of the last bank/page change or xrun reset (an error text), shown beside them. */
  actionError: string | null = null;
  loaded = false;
  private readonly host: ReactiveControllerHost;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    void this.poll();
    void this.listDevices(false);
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    if (this.learn.kind === 'armed') void surfaceApi.cancelLearn().catch(() => undefined);
  }

  async poll(): Promise<void> {
    try {
      const { surfaces } = await surfaceApi.list();
      this.surfaces = surfaces;
      this.surfacesError = null;
      for (const s of surfaces) {
        if (s.page !== null && !this.pages.has(s.id)) {
          this.pages.set(s.id, (await surfaceApi.pages(s.id)).pages);
        }
      }
    } catch (error) {
      this.surfacesError = errorText(error);
    }
    this.loaded = true;
    this.host.requestUpdate();
  }

  async listDevices(refresh: boolean): Promise<void> {
    try {
      this.devices = await surfaceApi.devices(refresh);
      this.devicesError = null;
    } catch (error) {
      this.devicesError = errorText(error);
    }
    this.host.requestUpdate();
  }

  private async change(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
      this.actionError = null;
    } catch (error) {
      this.actionError = errorText(error);
    }
    await this.poll();
  }

  bank(surface: SurfaceStatus, direction: -1 | 1): Promise<void> {
    const offset = Math.max(0, surface.bankOffset + direction * Math.max(1, surface.bankSize));
    return this.change(() => surfaceApi.setBankOffset(surface.id, offset));
  }

  setPage(surface: SurfaceStatus, page: string): Promise<void> {
    return this.change(() => surfaceApi.setPage(surface.id, page));
  }

  resetXruns(): Promise<void> {
    return this.change(() => surfaceApi.resetXruns());
  }

  async startLearn(param: string): Promise<void> {
    this.learn = { kind: 'armed', param };
    this.host.requestUpdate();
    try {
      const control = await surfaceApi.learn(param, LEARN_TIMEOUT_S);
      this.learn = { kind: 'learned', control };
    } catch (error) {
      this.learn = { kind: 'failed', text: errorText(error) };
    }
    this.host.requestUpdate();
  }

  async cancelLearn(): Promise<void> {
    try {
      await surfaceApi.cancelLearn();
    } catch (error) {
      this.learn = { kind: 'failed', text: errorText(error) };
      this.host.requestUpdate();
    }
  }
}
