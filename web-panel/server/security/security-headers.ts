import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * CSP hashes of the inline `<style>` blocks of the built index.html (its page-wide theme), so they
 * may apply without allowing inline styles in general. Empty when the panel is not built.
 */
export function inlineStyleHashes(staticDir: string): string[] {
  let html: string;
  try {
    html = readFileSync(path.join(staticDir, 'index.html'), 'utf8');
  } catch {
    return [];
  }
  const hashes: string[] = [];
  for (const match of html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/**
 * helmet's settings for every panel response. Scripts, style sheets and connections come only
 * from the panel itself (Lit and uPlot styles are adopted constructable sheets, which CSP does
 * not restrict). Style attributes stay allowed: Lit templates position meter and fader parts with
 * `style="bottom: …"` bindings, and an attribute cannot run script. Plain HTTP on a LAN, so no
 * HSTS and no upgrade-insecure-requests (either would break the panel).
 */
export function securityHeaders(staticDir: string): FastifyHelmetOptions {
  const styles = ["'self'", ...inlineStyleHashes(staticDir)];
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: styles,
        styleSrcElem: styles,
        styleSrcAttr: ["'unsafe-inline'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  };
}
