/**
 * Runs a callback on the next animation frame, or after `fallbackMs` if no frame comes first.
 * Browsers throttle requestAnimationFrame hard in background and occluded pages (headless
 * Chromium gives a second page ~2 frames/s); the fallback keeps sends and meters flowing there.
 * Returns a function that cancels both.
 */
export function nextFrame(callback: (now: number) => void, fallbackMs: number): () => void {
  let done = false;
  const run = (now: number): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback(now);
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(() => {
    run(performance.now());
  }, fallbackMs);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
