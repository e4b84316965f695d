/** List with selectors and `limit`/`continue` pagination over the store's ordered view. */
import { badRequest, gone } from "./errors.js";
import type { ObjectStore } from "./object-store.js";
import { resourceKeyOf, storageKeyOf, type ResourceDefinition } from "./resource-definition.js";
import { matcherForResource, pinnedName } from "./selectors.js";
import type { KubeObject } from "./types.js";

/** List parameters from the query string. */
export interface ListQuery {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit?: number | undefined;
  continueToken?: string | undefined;
}

/** A page of results. */
export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueState {
  /** The first page's resourceVersion; -1 for an inconsistent continuation (the current state). */
  rv: number;
  ns: string;
  name: string;
}

function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}

const EXPIRED_CONTINUE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

function decodeContinue(token: string): ContinueState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badRequest(`invalid continue token: ${token}`);
  }
  const p = parsed as Partial<ContinueState>;
  if (typeof p.rv !== "number" || typeof p.ns !== "string" || typeof p.name !== "string")
    throw badRequest(`invalid continue token: ${token}`);
  return { rv: p.rv, ns: p.ns, name: p.name };
}

/**
 * Lists objects of `def` (in `namespace` when given). Pages continue after the last returned key
 * and show the objects as they were at the first page's resourceVersion (which they report), as
 * the real server's etcd snapshot does. When that version is older than the retained history the
 * continue token has expired: 410 `Expired` with the real server's message and, in the Status's
 * metadata, an inconsistent continue token that lists the rest at the current state.
 */
export function listObjects(
  store: ObjectStore,
  def: ResourceDefinition,
  namespace: string | undefined,
  q: ListQuery,
): ListPage {
  const key = storageKeyOf(def);
  const matcher = matcherForResource(resourceKeyOf(def), q.labelSelector, q.fieldSelector);
  const ns = def.namespaced ? namespace : undefined;
  const state =
    q.continueToken !== undefined && q.continueToken !== "" ? decodeContinue(q.continueToken) : undefined;
  let rv = store.currentRv;
  let candidates: KubeObject[];
  const pinned = pinnedName(q.fieldSelector);
  if (state !== undefined && state.rv >= 0) {
    const snapshot = store.listAt(key, state.rv, ns);
    if (snapshot === "gone")
      throw gone(EXPIRED_CONTINUE, encodeContinue({ rv: -1, ns: state.ns, name: state.name }));
    rv = state.rv;
    candidates = snapshot;
  } else if (pinned !== undefined && (ns !== undefined || !def.namespaced)) {
    const o = store.get(key, ns ?? "", pinned);
    candidates = o === undefined ? [] : [o];
  } else candidates = store.list(key, ns);
  if (state !== undefined) {
    let lo = 0;
    let hi = candidates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = candidates[mid];
      const mNs = m?.metadata.namespace ?? "";
      const mName = m?.metadata.name ?? "";
      if (mNs < state.ns || (mNs === state.ns && mName <= state.name)) lo = mid + 1;
      else hi = mid;
    }
    candidates = candidates.slice(lo);
  }
  const limit = q.limit !== undefined && q.limit > 0 ? q.limit : undefined;
  const items: KubeObject[] = [];
  let i = 0;
  for (; i < candidates.length; i++) {
    const o = candidates[i];
    if (o === undefined || (matcher !== undefined && !matcher(o))) continue;
    if (limit !== undefined && items.length >= limit) break;
    items.push(o);
  }
  const page: ListPage = { items, resourceVersion: String(rv) };
  if (limit !== undefined && i < candidates.length) {
    const last = items[items.length - 1];
    if (last !== undefined) {
      page.continueToken = encodeContinue({
        rv,
        ns: last.metadata.namespace ?? "",
        name: last.metadata.name ?? "",
      });
      if (matcher === undefined) page.remainingItemCount = candidates.length - i;
    }
  }
  return page;
}
