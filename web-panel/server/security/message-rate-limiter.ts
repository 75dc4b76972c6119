export interface MessageRateLimit {
  /** Messages per second refilled into the bucket. */
  readonly perSecond: number;
  /** The bucket's size: how many messages may arrive at once. */
  readonly burst: number;
}

/**
 * A fader gesture sends at most about 60 messages/s per control; 400/s sustained with a burst of
 * 800 leaves room for several hands and a script, and stops a flood from one connection.
 */
export const DEFAULT_MESSAGE_RATE_LIMIT: MessageRateLimit = { perSecond: 400, burst: 800 };

/** Over the limit, the client hears about it at most this often (the rest are dropped silently). */
const NOTICE_INTERVAL_MS = 1000;

/**
 * A token bucket per WebSocket connection. Time comes from performance.now() (monotonic, so a
 * clock change cannot refill or drain it).
 */
export class MessageRateLimiter {
  private readonly limit: MessageRateLimit;
  private tokens: number;
  private refilledAt: number;
  private noticeAt = Number.NEGATIVE_INFINITY;

  constructor(limit: MessageRateLimit = DEFAULT_MESSAGE_RATE_LIMIT) {
    this.limit = limit;
    this.tokens = limit.burst;
    this.refilledAt = performance.now();
  }

  /** Takes one message's token; false when the message must be dropped. */
  allow(): boolean {
    const now = performance.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** For a dropped message: true when the client should be told (at most once per second). */
  shouldNotify(): boolean {
    const now = performance.now();
    if (now - this.noticeAt < NOTICE_INTERVAL_MS) return false;
    this.noticeAt = now;
    return true;
  }
}
