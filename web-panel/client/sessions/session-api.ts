/**
 * The session REST routes as the Sessions page calls them (web-panel/server/session-routes.ts):
 * typed replies, coded errors thrown as ApiError.
 */
import { ApiError, apiCall } from '../api-client.ts';

export interface SessionSummary {
  readonly id: string;
  readonly name: string;
  readonly notes: string;
  readonly modifiedAt: string;
  readonly latestVersion: number;
  readonly snapshotCount: number;
}

export interface VersionInfo {
  readonly version: number;
  readonly kind: 'create' | 'save' | 'autosave' | 'import';
  readonly savedAt: string;
}

export interface SnapshotInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface SessionDetail extends SessionSummary {
  readonly open: boolean;
  readonly safes: readonly string[];
  readonly versions: readonly VersionInfo[];
  readonly snapshots: readonly SnapshotInfo[];
  readonly autosaveOffer: VersionInfo | null;
}

export interface RecallChange {
  readonly id: string;
  readonly from: number;
  readonly to: number;
}

export interface RecallPlan {
  readonly changes: readonly RecallChange[];
  readonly keptSafe: readonly string[];
  readonly unavailable: readonly string[];
}

export interface RecallRecord {
  readonly id: number;
  readonly at: string;
  readonly snapshotId: string | null;
  readonly changes: readonly RecallChange[];
  readonly undone: boolean;
}

/** What a recall may change (sessions/recall-scope.ts); sections left out mean every section. */
export interface RecallScope {
  strips?: number[];
  auxes?: number[];
  master?: boolean;
  monitor?: boolean;
  groups?: string[];
}

/** A snapshot (by id) or a saved version (by number) to recall. */
export type RecallTarget =
  | { readonly kind: 'snapshot'; readonly id: string; readonly name: string }
  | { readonly kind: 'version'; readonly version: number; readonly name: string };

export interface RecallRequest {
  readonly scope: RecallScope;
  readonly safes: readonly string[];
}

const base = (id: string): string => `/api/sessions/${encodeURIComponent(id)}`;

export const sessionApi = {
  list: () => apiCall<{ sessions: SessionSummary[]; open: string | null }>('GET', '/api/sessions'),
  detail: (id: string) => apiCall<SessionDetail>('GET', base(id)),
  create: (name: string, notes: string) =>
    apiCall<SessionSummary>('POST', '/api/sessions', { name, ...(notes === '' ? {} : { notes }) }),
  open: (id: string) => apiCall<SessionDetail>('POST', `${base(id)}/open`, {}),
  save: (id: string) => apiCall<VersionInfo>('POST', `${base(id)}/save`, {}),
  setNotes: (id: string, notes: string) => apiCall<SessionDetail>('PATCH', base(id), { notes }),
  snapshot: (id: string, name: string) => apiCall<SnapshotInfo>('POST', `${base(id)}/snapshots`, { name }),
  diff: (id: string, target: RecallTarget, request: RecallRequest) =>
    target.kind === 'snapshot'
      ? apiCall<RecallPlan>('POST', `${base(id)}/diff`, { snapshot: target.id, ...body(request) })
      : apiCall<RecallPlan>('POST', `${base(id)}/versions/${target.version}/diff`, body(request)),
  recall: (id: string, target: RecallTarget, request: RecallRequest) =>
    target.kind === 'snapshot'
      ? apiCall<RecallPlan>('POST', `${base(id)}/recall`, { snapshot: target.id, ...body(request) })
      : apiCall<RecallPlan>('POST', `${base(id)}/versions/${target.version}/recall`, body(request)),
  undo: (id: string) => apiCall<RecallPlan>('POST', `${base(id)}/undo-recall`, {}),
  ab: (id: string, a: string, b: string) =>
    apiCall<RecallPlan & { showing: 'a' | 'b' }>('POST', `${base(id)}/ab`, { a, b }),
  recalls: (id: string) => apiCall<RecallRecord[]>('GET', `${base(id)}/recalls`),
  exportUrl: (id: string) => `${base(id)}/export`,
  importText,
};

function body(request: RecallRequest): { scope: RecallScope; safes?: string[] } {
  return { scope: request.scope, ...(request.safes.length === 0 ? {} : { safes: [...request.safes] }) };
}

/**
 * Imports a session document as the file holds it: the text goes to the server unparsed, so a
 * file that is not JSON gets the server's coded error like any other invalid document.
 */
async function importText(text: string, name: string): Promise<SessionSummary> {
  const query = name === '' ? '' : `?name=${encodeURIComponent(name)}`;
  let response: Response;
  try {
    response = await fetch(`/api/sessions/import${query}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
  } catch (error) {
    throw new ApiError(0, 'LATHE_PANEL_OFFLINE', `the console cannot be reached (${String(error)})`);
  }
  const data = (await response.json().catch(() => undefined)) as
    { code?: unknown; message?: unknown } | SessionSummary | undefined;
  if (!response.ok) {
    const coded = data as { code?: unknown; message?: unknown } | undefined;
    throw new ApiError(
      response.status,
      typeof coded?.code === 'string' ? coded.code : `HTTP_${response.status}`,
      typeof coded?.message === 'string' ? coded.message : `import: HTTP ${response.status}`,
    );
  }
  return data as SessionSummary;
}
