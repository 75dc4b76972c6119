/** What the scripted hand can do to the board (stdin commands, tests). */
export type HandAction =
  | { readonly kind: 'touch'; readonly fader: number }
  /** Only while touched: the fader is put there at once. */
  | { readonly kind: 'move'; readonly fader: number; readonly position: number }
  | { readonly kind: 'release'; readonly fader: number }
  | { readonly kind: 'button'; readonly button: number; readonly pressed: boolean }
  | { readonly kind: 'encoder'; readonly encoder: number; readonly delta: number };
