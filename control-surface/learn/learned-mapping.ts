import type { MappingDocument } from '../mapping/mapping-pages.ts';
import { learnedBindingsClash, type LearnedBinding } from './learned-binding.ts';
import { sourcesOverlap, type MidiSource } from './midi-source.ts';

/**
 * Editing the `learned` section of a mapping document. Pure: each returns a new document and
 * leaves the given one as it was (the caller saves it, serialize-mapping-document.ts).
 */

/**
 * A binding list with `binding` in it: it takes the place of the first binding it clashes with
 * (the same control, learned again), others that clash are dropped, else it goes at the end.
 */
export function replaceLearnedBinding(
  bindings: readonly LearnedBinding[],
  binding: LearnedBinding,
): LearnedBinding[] {
  const out: LearnedBinding[] = [];
  let placed = false;
  for (const existing of bindings) {
    if (!learnedBindingsClash(existing, binding)) out.push(existing);
    else if (!placed) {
      out.push(binding);
      placed = true;
    }
  }
  if (!placed) out.push(binding);
  return out;
}

/** The document with `binding` added, or replacing the binding(s) of the same control. */
export function withLearnedBinding(doc: MappingDocument, binding: LearnedBinding): MappingDocument {
  return { ...doc, learned: replaceLearnedBinding(doc.learned ?? [], binding) };
}

/** What to forget: a control (on a port, or on every port) or everything bound to a parameter. */
export type LearnedBindingMatch =
  { readonly source: MidiSource; readonly port?: string } | { readonly param: string };

/** The document without the bindings `match` names (unchanged content when none does). */
export function withoutLearnedBinding(doc: MappingDocument, match: LearnedBindingMatch): MappingDocument {
  const keep = (binding: LearnedBinding): boolean => {
    if ('param' in match) return binding.param !== match.param;
    if (match.port !== undefined && binding.port !== undefined && binding.port !== match.port) return true;
    return !sourcesOverlap(binding.source, match.source);
  };
  return { ...doc, learned: (doc.learned ?? []).filter(keep) };
}
