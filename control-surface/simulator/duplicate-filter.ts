/**
 * PROTOCOL.md §5: the same (type, seq) with the same payload within 200 ms is a resend (its ACK was
 * lost): acknowledged again, not applied. The payload must match too, and the window is short,
 * because at full rate the host's seq wraps about once a second: a new frame can reuse a seq.
 */
export const DUPLICATE_WINDOW_MS = 200;

export class DuplicateFilter {
  private readonly seen = new Map<number, { at: number; payload: string }>();

  isDuplicate(type: number, seq: number, payload: string, nowMs: number): boolean {
    const entry = this.seen.get(key(type, seq));
    return entry?.payload === payload && nowMs - entry.at < DUPLICATE_WINDOW_MS;
  }

  remember(type: number, seq: number, payload: string, nowMs: number): void {
    this.seen.set(key(type, seq), { at: nowMs, payload });
    // At most 256 seqs x a few acked types: prune now and then so the map stays that small.
    if (this.seen.size > 512) this.forgetBefore(nowMs - DUPLICATE_WINDOW_MS);
  }

  private forgetBefore(ms: number): void {
    for (const [k, entry] of this.seen) if (entry.at < ms) this.seen.delete(k);
  }
}

function key(type: number, seq: number): number {
  return (type << 8) | seq;
}
