import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented token with the panel's in constant time. Both are hashed first, so the
 * comparison takes the same time whatever the presented length (timingSafeEqual needs equal sizes).
 */
export function tokenMatches(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(a, b);
}
