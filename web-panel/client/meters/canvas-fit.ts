/**
 * Keeps a canvas's backing store at its CSS size times the device pixel ratio. The size is read
 * only in the ResizeObserver callback, never while drawing, so the animation frame does no layout.
 */
export class CanvasFit {
  readonly canvas: HTMLCanvasElement;
  /** CSS pixels. */
  width = 0;
  height = 0;
  /** Bumped when the backing store was resized (its contents are then cleared). */
  resized = 0;
  private readonly observer: ResizeObserver;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    this.observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box === undefined) return;
      const ratio = window.devicePixelRatio || 1;
      this.width = box.width;
      this.height = box.height;
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      this.resized++;
    });
    this.observer.observe(canvas);
  }

  /** The 2D context scaled to CSS pixels, or null before the first layout. */
  context(): CanvasRenderingContext2D | null {
    if (this.width === 0 || this.height === 0) return null;
    const context = this.canvas.getContext('2d');
    if (context === null) return null;
    const ratio = this.canvas.width / this.width;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    return context;
  }

  disconnect(): void {
    this.observer.disconnect();
  }
}
