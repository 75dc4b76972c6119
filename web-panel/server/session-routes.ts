import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { isLatheError, type ErrorCode } from '../../engine/index.ts';
import {
  checkRecallScope,
  type ParamValues,
  type RecallOptions,
  type SessionManager,
} from '../../sessions/index.ts';

export interface SessionRoutesOptions {
  readonly sessions: SessionManager;
}

/** HTTP status per error code; anything not listed is a 400 (the request was wrong). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  LATHE_SESSION_NOT_FOUND: 404,
  LATHE_SNAPSHOT_NOT_FOUND: 404,
  LATHE_SESSION_NAME_TAKEN: 409,
  LATHE_SESSION_NOT_OPEN: 409,
  LATHE_SESSION_STRUCTURE_MISMATCH: 409,
  LATHE_RECALL_NOTHING_TO_UNDO: 409,
  LATHE_SESSION_STORE_UNAVAILABLE: 503,
  LATHE_SESSION_STORE_NOT_SQLITE: 503,
  LATHE_SESSION_STORE_TOO_NEW: 503,
};

class BodyError extends Error {}

type FieldKind = 'string' | 'boolean' | 'string[]' | 'any';

/**
 * Checks a JSON body strictly against the fields a route takes: unknown fields and wrong types
 * are errors (Fastify's own validation would coerce and drop them).
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape
function body<T extends Record<string, unknown>>(
  raw: unknown,
  fields: Record<string, { kind: FieldKind; required?: boolean }>,
): T {
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new BodyError('body must be a JSON object');
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !(key in fields));
  if (unknown.length > 0) throw new BodyError(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
  for (const [key, { kind, required }] of Object.entries(fields)) {
    const field = record[key];
    if (field === undefined) {
      if (required === true) throw new BodyError(`"${key}" is required`);
      continue;
    }
    const ok =
      kind === 'any' ||
      (kind === 'string' && typeof field === 'string' && field.length > 0 && field.length <= 200) ||
      (kind === 'boolean' && typeof field === 'boolean') ||
      (kind === 'string[]' &&
        Array.isArray(field) &&
        field.length <= 100_000 &&
        field.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 200));
    if (!ok)
      throw new BodyError(`"${key}" must be ${kind === 'string[]' ? 'an array of strings' : `a ${kind}`}`);
  }
  return record as T;
}

/**
 * REST for sessions (a Fastify plugin): list, create, rename, delete; open, save, versions;
 * snapshots, a diff before recall, recall with scope and safes, A/B, undo; export and import.
 * Every error is `{code, message}` with a stable code.
 */
export const sessionRoutes: FastifyPluginCallback<SessionRoutesOptions> = (app, { sessions }, done) => {
  const store = sessions.store;
  interface Params {
    id: string;
  }

  const fail = (reply: FastifyReply, error: unknown): FastifyReply => {
    if (error instanceof BodyError)
      return reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message: error.message });
    if (isLatheError(error))
      return reply.code(STATUS[error.code] ?? 400).send({ code: error.code, message: error.message });
    throw error;
  };
  const recallOptions = (raw: { scope?: unknown; safes?: string[] }): RecallOptions => {
    const shape = sessions.openSession?.console;
    const scope = checkRecallScope(raw.scope, shape?.stripCount ?? 0, shape?.auxCount ?? 0);
    return { scope, ...(raw.safes === undefined ? {} : { safes: raw.safes }) };
  };
  const describe = (id: string): Record<string, unknown> => ({
    ...store.session(id),
    open: sessions.openSession?.sessionId === store.session(id).id,
    safes: store.safes(id),
    versions: store.listVersions(id),
    snapshots: store.listSnapshots(id),
    autosaveOffer: store.autosaveOffer(id),
  });
  /** Runs a handler, turning coded errors into replies. */
  const handle =
    (run: (request: { params: Params; body: unknown; query: unknown }, reply: FastifyReply) => unknown) =>
    async (
      request: { params: unknown; body: unknown; query: unknown },
      reply: FastifyReply,
    ): Promise<unknown> => {
      try {
        return await run(
          { params: request.params as Params, body: request.body, query: request.query },
          reply,
        );
      } catch (error) {
        return fail(reply, error);
      }
    };

  app.get(
    '/api/sessions',
    handle(() => ({ sessions: store.listSessions(), open: sessions.openSession?.sessionId ?? null })),
  );
  app.post(
    '/api/sessions',
    handle((request, reply) => {
      const b = body<{ name: string; notes?: string }>(request.body, {
        name: { kind: 'string', required: true },
        notes: { kind: 'any' },
      });
      if (b.notes !== undefined && (typeof b.notes !== 'string' || b.notes.length > 100_000)) {
        throw new BodyError('"notes" must be a string of at most 100000 characters');
      }
      return reply.code(201).send(sessions.create(b.name, b.notes));
    }),
  );
  app.get(
    '/api/sessions/:id',
    handle((request) => describe(request.params.id)),
  );
  app.patch(
    '/api/sessions/:id',
    handle((request) => {
      const b = body<{ name?: string; notes?: string }>(request.body, {
        name: { kind: 'string' },
        notes: { kind: 'any' },
      });
      if (b.notes !== undefined && (typeof b.notes !== 'string' || b.notes.length > 100_000)) {
        throw new BodyError('"notes" must be a string of at most 100000 characters');
      }
      if (b.name !== undefined) store.renameSession(request.params.id, b.name);
      if (b.notes !== undefined) store.setNotes(request.params.id, b.notes);
      return describe(request.params.id);
    }),
  );
  app.delete(
    '/api/sessions/:id',
    handle((request, reply) => {
      sessions.delete(request.params.id);
      return reply.code(204).send();
    }),
  );
  app.post(
    '/api/sessions/:id/open',
    handle((request) => {
      const b = body<{ restoreAutosave?: boolean }>(request.body, { restoreAutosave: { kind: 'boolean' } });
      sessions.open(request.params.id, b.restoreAutosave ?? false);
      return describe(request.params.id);
    }),
  );
  app.post(
    '/api/sessions/:id/save',
    handle((request) => {
      body(request.body, {});
      return sessions.require(request.params.id).save();
    }),
  );
  app.get(
    '/api/sessions/:id/versions',
    handle((request) => store.listVersions(request.params.id)),
  );
  app.put(
    '/api/sessions/:id/safes',
    handle((request) => {
      const b = body<{ safes: string[] }>(request.body, { safes: { kind: 'string[]', required: true } });
      store.setSafes(request.params.id, b.safes);
      return { safes: store.safes(request.params.id) };
    }),
  );
  app.get(
    '/api/sessions/:id/snapshots',
    handle((request) => store.listSnapshots(request.params.id)),
  );
  app.post(
    '/api/sessions/:id/snapshots',
    handle((request, reply) => {
      const b = body<{ name: string }>(request.body, { name: { kind: 'string', required: true } });
      return reply.code(201).send(sessions.require(request.params.id).snapshot(b.name));
    }),
  );
  app.delete(
    '/api/sessions/:id/snapshots/:snapshot',
    handle((request, reply) => {
      store.deleteSnapshot(request.params.id, (request.params as Params & { snapshot: string }).snapshot);
      return reply.code(204).send();
    }),
  );
  app.get(
    '/api/sessions/:id/snapshots/:a/diff/:b',
    handle((request) => {
      const { a, b } = request.params as Params & { a: string; b: string };
      store.session(request.params.id);
      const session = sessions.require(request.params.id);
      return { changes: session.diffSnapshots(a, b) };
    }),
  );
  const recallFields = {
    snapshot: { kind: 'string' as const, required: true },
    scope: { kind: 'any' as const },
    safes: { kind: 'string[]' as const },
  };
  app.post(
    '/api/sessions/:id/diff',
    handle((request) => {
      const b = body<{ snapshot: string; scope?: unknown; safes?: string[] }>(request.body, recallFields);
      const session = sessions.require(request.params.id);
      return session.diff(b.snapshot, recallOptions(b));
    }),
  );
  app.post(
    '/api/sessions/:id/recall',
    handle((request) => {
      const b = body<{ snapshot: string; scope?: unknown; safes?: string[] }>(request.body, recallFields);
      const session = sessions.require(request.params.id);
      return session.recall(b.snapshot, recallOptions(b));
    }),
  );
  app.post(
    '/api/sessions/:id/undo-recall',
    handle((request) => {
      body(request.body, {});
      return sessions.require(request.params.id).undoRecall();
    }),
  );
  app.post(
    '/api/sessions/:id/ab',
    handle((request) => {
      const b = body<{ a: string; b: string; scope?: unknown; safes?: string[] }>(request.body, {
        a: { kind: 'string', required: true },
        b: { kind: 'string', required: true },
        scope: { kind: 'any' },
        safes: { kind: 'string[]' },
      });
      return sessions.require(request.params.id).toggleAB(b.a, b.b, recallOptions(b));
    }),
  );
  // A saved version recalled like a snapshot (same plan, scope and safes; recorded for undo).
  const versionTarget = (id: string, raw: string): ParamValues => {
    if (!/^[1-9]\d{0,8}$/.test(raw)) throw new BodyError('the version must be a whole number from 1');
    return store.version(id, Number(raw)).values;
  };
  const recallScopeFields = { scope: { kind: 'any' as const }, safes: { kind: 'string[]' as const } };
  app.post(
    '/api/sessions/:id/versions/:version/diff',
    handle((request) => {
      const b = body<{ scope?: unknown; safes?: string[] }>(request.body, recallScopeFields);
      const session = sessions.require(request.params.id);
      const { version } = request.params as Params & { version: string };
      return session.plan(versionTarget(session.sessionId, version), recallOptions(b));
    }),
  );
  app.post(
    '/api/sessions/:id/versions/:version/recall',
    handle((request) => {
      const b = body<{ scope?: unknown; safes?: string[] }>(request.body, recallScopeFields);
      const session = sessions.require(request.params.id);
      const { version } = request.params as Params & { version: string };
      const options = recallOptions(b);
      const plan = session.plan(versionTarget(session.sessionId, version), options);
      const recallId = store.recordRecall(session.sessionId, null, options.scope ?? {}, plan.changes);
      for (const change of plan.changes) session.console.params.set(change.id, change.to, 'recall');
      return { ...plan, recallId };
    }),
  );
  app.get(
    '/api/sessions/:id/recalls',
    handle((request) => store.recalls(request.params.id)),
  );
  app.get(
    '/api/sessions/:id/export',
    handle((request, reply) => {
      const summary = store.session(request.params.id);
      const safeName = summary.name.replace(/[^A-Za-z0-9._-]+/g, '_');
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${safeName}.lathe-session.json"`)
        .send(sessions.exportText(summary.id));
    }),
  );
  app.post(
    '/api/sessions/import',
    { bodyLimit: 256 * 1024 * 1024 },
    handle((request, reply) => {
      const query = body<{ name?: string }>(request.query, { name: { kind: 'string' } });
      return reply.code(201).send(sessions.importData(request.body, 'import', query.name));
    }),
  );
  done();
};
