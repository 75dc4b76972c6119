import type { ParamValues, SessionAutomation, SessionDocument } from './session-document.ts';

const sortedValues = (values: ParamValues): ParamValues =>
  Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((id) => [id, values[id]!]),
  );

const sortedAutomation = (automation: SessionAutomation): SessionAutomation =>
  Object.fromEntries(
    Object.keys(automation)
      .sort()
      .map((id) => {
        const lane = automation[id]!;
        return [id, { mode: lane.mode, points: lane.points.map(([t, v]) => [t, v] as [number, number]) }];
      }),
  );

/**
 * The document as text with one fixed key order and parameter ids sorted, so that export ->
 * import -> export is byte-identical and two exports diff cleanly.
 */
export function serializeSessionDocument(doc: SessionDocument): string {
  const ordered: SessionDocument = {
    format: doc.format,
    schemaVersion: doc.schemaVersion,
    appVersion: doc.appVersion,
    id: doc.id,
    name: doc.name,
    notes: doc.notes,
    createdAt: doc.createdAt,
    modifiedAt: doc.modifiedAt,
    structure: {
      sampleRate: doc.structure.sampleRate,
      strips: doc.structure.strips.map((s) => ({ id: s.id, label: s.label, kind: s.kind, stem: s.stem })),
      auxes: doc.structure.auxes.map((a) => ({ id: a.id, label: a.label, effect: a.effect })),
      monitor: { calibrationProfile: doc.structure.monitor.calibrationProfile },
      surfaces: doc.structure.surfaces.map((s) => ({ profile: s.profile, port: s.port, mapping: s.mapping })),
    },
    safes: [...doc.safes],
    values: sortedValues(doc.values),
    automation: sortedAutomation(doc.automation),
    snapshots: doc.snapshots.map((s) => ({
      id: s.id,
      name: s.name,
      createdAt: s.createdAt,
      values: sortedValues(s.values),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
