/**
 * GestureGuard: a ReactiveController that keeps incoming parameter updates from fighting the
 * user's hand. While a control is held (pointerdown until release) its position is not overwritten;
 * after release it waits briefly for the server to echo the final position, so the control does
 * not jump back to an older echo still in flight.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Longest wait for the echo of a released control before following the server regardless. */
const SETTLE_MS = 300;
/** Positions round-trip through the engine's f32 table and its taper; equal within this. */
const ECHO_TOLERANCE = 1e-3;

interface Settle {
  readonly position: number;
  readonly timer: ReturnType<typeof setTimeout>;
}

export type CommitHandler = (param: string, position: number) => void;

export class GestureGuard implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly onCommit: CommitHandler;
  private readonly held = new Map<string, HTMLInputElement>();
  private readonly settling = new Map<string, Settle>();

  /** `onCommit` receives the final position of each gesture (once, however it ends). */
  constructor(host: ReactiveControllerHost, onCommit: CommitHandler) {
    this.host = host;
    this.onCommit = onCommit;
    host.addController(this);
  }

  hostConnected(): void {
    // On window: the pointer is usually released outside the thin range input.
    window.addEventListener('pointerup', this.onPointerUp, true);
    window.addEventListener('pointercancel', this.onPointerUp, true);
  }

  hostDisconnected(): void {
    window.removeEventListener('pointerup', this.onPointerUp, true);
    window.removeEventListener('pointercancel', this.onPointerUp, true);
    for (const settle of this.settling.values()) clearTimeout(settle.timer);
    this.settling.clear();
    this.held.clear();
  }

  grab(param: string, input: HTMLInputElement): void {
    this.clearSettle(param);
    this.held.set(param, input);
  }

  /** End of a gesture (release or `change`): commit unless this exact position was just committed. */
  commit(param: string, position: number): void {
    this.held.delete(param);
    if (this.settling.get(param)?.position === position) return;
    this.clearSettle(param);
    const timer = setTimeout(() => {
      this.settling.delete(param);
      this.host.requestUpdate(); // show whatever the server settled on
    }, SETTLE_MS);
    this.settling.set(param, { position, timer });
    this.onCommit(param, position);
  }

  /** Forget the gesture, e.g. when a double-click resets the parameter to its default. */
  release(param: string): void {
    this.held.delete(param);
    this.clearSettle(param);
    this.host.requestUpdate();
  }

  /**
   * Whether the control should show the server's position now. Called from render; an echo
   * matching the committed position ends the settle wait early.
   */
  follows(param: string, serverPosition: number): boolean {
    if (this.held.has(param)) return false;
    const settle = this.settling.get(param);
    if (!settle) return true;
    if (Math.abs(settle.position - serverPosition) > ECHO_TOLERANCE) return false;
    this.clearSettle(param);
    return true;
  }

  private clearSettle(param: string): void {
    const settle = this.settling.get(param);
    if (!settle) return;
    clearTimeout(settle.timer);
    this.settling.delete(param);
  }

  private readonly onPointerUp = (): void => {
    // Always commit: `change` may come after pointerup or not at all (a click that did not move).
    for (const [param, input] of [...this.held]) this.commit(param, input.valueAsNumber);
  };
}
