/**
 * The API semantics of the dev cluster, independent of HTTP: create, read, list, update, patch and
 * delete with resourceVersion, generation, status subresource, finalizers, validation, defaulting,
 * pruning, field validation and managedFields. Controllers (garbage collector, namespace and CRD
 * lifecycle) react to its change notifications.
 */
import { parse as parseYaml } from "yaml";
import type { CelValidator } from "./cel-validator.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  storageError,
  unsupportedMediaType,
} from "./errors.js";
import { managedFieldsAfterUpdate, stripManaged, type FieldManagerIdentity } from "./managed-fields.js";
import type { KindStrategy } from "./kind-strategy.js";
import type { ObjectStore } from "./object-store.js";
import { deepEqual, generatedName, newUid, nowTimestamp, specPart } from "./object-meta.js";
import {
  decodeObject,
  isFinalized,
  normalizeObject,
  sameOwnership,
  specialiseCreate,
  tracksGeneration,
  validateObject,
  type FieldValidation,
} from "./object-rules.js";
import { applyPatchBody, PATCH_TYPES } from "./patch-body.js";
import { groupVersionOf, storageKeyOf, type ResourceDefinition } from "./resource-definition.js";
import type { SchemaValidator } from "./schema-validator.js";
import { storedFormOf, viewOf } from "./resource-views.js";
import { serverSideApply } from "./server-side-apply.js";
import { cloneJson, isJsonObject, type KubeObject } from "./types.js";

export type { FieldValidation } from "./object-rules.js";
export { PATCH_TYPES } from "./patch-body.js";

/** Options common to writes. */
export interface WriteOptions {
  fieldManager?: string | undefined;
  fieldValidation?: FieldValidation | undefined;
  dryRun?: boolean | undefined;
  /** Used to derive the default field manager. */
  userAgent?: string | undefined;
  /** Internal: keep `status` on create (for server-made objects such as instantiated Builds). */
  keepStatus?: boolean | undefined;
}

/** The result of a write: the object as stored and any `Warning` header texts. */
export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created: boolean;
}

/** A change notification. */
export type ChangeListener = (change: {
  def: ResourceDefinition;
  type: "put" | "remove";
  object: KubeObject;
  old: KubeObject | undefined;
}) => void;

/** Delete options (body `DeleteOptions` or query parameters). */
export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan" | undefined;
  preconditions?: { uid?: string | undefined; resourceVersion?: string | undefined } | undefined;
  dryRun?: boolean | undefined;
}

/** Dependencies of {@link ApiCore}. */
export interface ApiCoreDeps {
  store: ObjectStore;
  schemas: SchemaValidator;
  cel: CelValidator;
  now: () => Date;
  /** Resolves namespaces (the built-in definition). */
  namespaces: () => ResourceDefinition;
  /** Per-kind write hooks by storage key (default none). */
  strategies?: ReadonlyMap<string, KindStrategy>;
}

function target(def: ResourceDefinition, name: string): { group: string; kind: string; name: string } {
  return { group: def.group, kind: def.plural, name };
}

/** Largest object the dev cluster stores (etcd's default request limit, 1.5 MiB). */
export const MAX_STORED_OBJECT_BYTES = 1536 * 1024;

/** The core API implementation. */
export class ApiCore {
  private readonly listeners: ChangeListener[] = [];
  constructor(private readonly deps: ApiCoreDeps) {}

  /**
   * Stores `object` unless it is larger than etcd stores: kube-apiserver answers such a write with
   * a 500 `etcdserver: request is too large` (etcd's default --max-request-bytes is 1.5 MiB; the
   * dev cluster measures the object's JSON, a little larger than the protobuf etcd receives).
   */
  private putWithinLimit(key: string, object: KubeObject): void {
    if (Buffer.byteLength(JSON.stringify(object), "utf8") > MAX_STORED_OBJECT_BYTES)
      throw storageError("etcdserver: request is too large");
    this.deps.store.put(key, object);
  }

  private strategyOf(def: ResourceDefinition): KindStrategy | undefined {
    return this.deps.strategies?.get(storageKeyOf(def));
  }

  /** Registers a listener called synchronously after each stored change. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** The stored object presented at the definition's version. */
  present(def: ResourceDefinition, object: KubeObject): KubeObject {
    return viewOf(def, object);
  }

  /** Reads one object; 404 when absent. */
  get(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    const o = this.deps.store.get(storageKeyOf(def), def.namespaced ? (namespace ?? "") : "", name);
    if (o === undefined) throw notFound(target(def, name));
    return this.present(def, o);
  }

  /** Reads one object or undefined. */
  find(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.deps.store.get(storageKeyOf(def), def.namespaced ? (namespace ?? "") : "", name);
    return o === undefined ? undefined : this.present(def, o);
  }

  private requireNamespace(def: ResourceDefinition, namespace: string, name: string): void {
    if (!def.namespaced) return;
    const nsDef = this.deps.namespaces();
    const ns = this.deps.store.get(storageKeyOf(nsDef), "", namespace);
    if (ns === undefined) throw notFound({ group: "", kind: "namespaces", name: namespace });
    if (ns.metadata.deletionTimestamp !== undefined)
      throw forbidden(
        target(def, name),
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }

  private manager(
    opts: WriteOptions,
    operation: "Apply" | "Update",
    def: ResourceDefinition,
    subresource: string | undefined,
  ): FieldManagerIdentity {
    const fallback = (opts.userAgent ?? "unknown").split("/")[0] ?? "unknown";
    return {
      manager: opts.fieldManager ?? fallback,
      operation,
      apiVersion: groupVersionOf(def),
      subresource,
      time: nowTimestamp(this.deps.now()),
    };
  }

  /** Creates an object (POST). */
  create(
    def: ResourceDefinition,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
    preset?: KubeObject,
  ): WriteResult {
    const candidate = preset ?? decodeObject(def, body);
    const ns = def.namespaced ? (namespace ?? candidate.metadata.namespace ?? "default") : undefined;
    if (ns !== undefined && candidate.metadata.namespace !== undefined && candidate.metadata.namespace !== ns)
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    if (candidate.metadata.name === undefined || candidate.metadata.name === "") {
      const prefix = candidate.metadata.generateName;
      if (typeof prefix === "string" && prefix !== "") candidate.metadata.name = generatedName(prefix);
    }
    const name = candidate.metadata.name ?? "";
    if (
      preset === undefined &&
      candidate.metadata.resourceVersion !== undefined &&
      candidate.metadata.resourceVersion !== ""
    )
      throw storageError("resourceVersion should not be set on objects to be created");
    if (ns !== undefined) this.requireNamespace(def, ns, name);
    const { object, warnings } = normalizeObject(def, candidate, opts.fieldValidation);
    const now = nowTimestamp(this.deps.now());
    const meta = object.metadata;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (ns !== undefined) meta.namespace = ns;
    else delete meta.namespace;
    meta.uid = newUid();
    meta.creationTimestamp = now;
    if (def.statusSubresource && opts.keepStatus !== true) delete object["status"];
    if (!(preset !== undefined && preset.metadata.managedFields !== undefined)) {
      delete meta.managedFields;
      meta.managedFields = managedFieldsAfterUpdate(
        undefined,
        object,
        def.schema,
        def.builtIn,
        this.manager(opts, "Update", def, undefined),
      );
    }
    specialiseCreate(def, object);
    if (tracksGeneration(def)) meta.generation = 1;
    else delete meta.generation;
    this.strategyOf(def)?.prepareForCreate?.(object);
    validateObject(def, object, undefined, this.deps);
    const key = storageKeyOf(def);
    if (this.deps.store.get(key, ns ?? "", name) !== undefined) throw alreadyExists(target(def, name));
    if (opts.dryRun === true)
      return {
        object: { ...object, metadata: { ...meta, resourceVersion: String(this.deps.store.currentRv) } },
        warnings,
        created: true,
      };
    meta.resourceVersion = String(this.deps.store.nextRv());
    this.putWithinLimit(key, storedFormOf(def, object));
    this.emit(def, "put", object, undefined);
    return { object: this.present(def, object), warnings, created: true };
  }

  /** Replaces an object (PUT), on the main resource or the `status` subresource. */
  update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    subresource: string | undefined,
    opts: WriteOptions,
  ): WriteResult {
    const candidate = decodeObject(def, body);
    if (candidate.metadata.name !== undefined && candidate.metadata.name !== name)
      throw badRequest(
        `the name of the object (${candidate.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (
      def.namespaced &&
      candidate.metadata.namespace !== undefined &&
      candidate.metadata.namespace !== namespace
    )
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    const old = this.find(def, namespace, name);
    if (old === undefined) throw notFound(target(def, name));
    const rv = candidate.metadata.resourceVersion;
    if ((rv === undefined || rv === "") && !def.builtIn)
      throw invalid({ group: def.group, kind: def.kind, name }, [
        {
          reason: "FieldValueInvalid",
          field: "metadata.resourceVersion",
          message: "Invalid value: 0x0: must be specified for an update",
        },
      ]);
    return this.updateFrom(def, old, candidate, subresource, opts, "Update");
  }

  /** Applies a patch (PATCH) of the given content type; apply patches may create the object. */
  patch(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    contentType: string,
    raw: string,
    subresource: string | undefined,
    opts: WriteOptions & { force?: boolean | undefined },
  ): WriteResult {
    const type = contentType.split(";")[0]?.trim() ?? "";
    const supported: string[] = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply, "application/json"];
    if (def.builtIn) supported.push(PATCH_TYPES.strategic);
    if (!supported.includes(type)) throw unsupportedMediaType(type);
    const old = this.find(def, namespace, name);
    if (type === PATCH_TYPES.apply) return this.apply(def, namespace, name, old, raw, subresource, opts);
    if (old === undefined) throw notFound(target(def, name));
    const patched = applyPatchBody(def, old, type, raw);
    const candidate = decodeObject(def, patched);
    if (candidate.metadata.name !== name)
      throw badRequest(
        `metadata.name: the name of the object (${String(candidate.metadata.name)}) does not match the name on the URL (${name})`,
      );
    return this.updateFrom(def, old, candidate, subresource, opts, "Update");
  }

  private apply(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    old: KubeObject | undefined,
    raw: string,
    subresource: string | undefined,
    opts: WriteOptions & { force?: boolean | undefined },
  ): WriteResult {
    if (opts.fieldManager === undefined || opts.fieldManager === "")
      throw invalid({ group: "meta.k8s.io", kind: "PatchOptions", name: "" }, [
        {
          reason: "FieldValueRequired",
          message: "Required value: is required for apply patch",
          field: "fieldManager",
        },
      ]);
    let doc: unknown;
    try {
      doc = parseYaml(raw);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isJsonObject(doc) || typeof doc["apiVersion"] !== "string" || typeof doc["kind"] !== "string")
      throw badRequest("apiVersion and kind must be set in an apply configuration");
    const applied = decodeObject(def, doc);
    if (applied.metadata.name !== undefined && applied.metadata.name !== name)
      throw badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    applied.metadata.name = name;
    if (def.namespaced && namespace !== undefined) applied.metadata.namespace = namespace;
    if (subresource === "status") {
      for (const k of Object.keys(applied))
        if (!["apiVersion", "kind", "metadata", "status"].includes(k)) delete applied[k];
      applied.metadata = { name, ...(namespace === undefined ? {} : { namespace }) };
    } else if (def.statusSubresource) delete applied["status"];
    const { object: normalized, warnings } = normalizeObject(def, applied, opts.fieldValidation);
    const merged = serverSideApply({
      live: old,
      applied: normalized,
      schema: def.schema,
      builtIn: def.builtIn,
      id: this.manager(opts, "Apply", def, subresource),
      force: opts.force === true,
      target: target(def, name),
    });
    if (old === undefined) {
      if (subresource !== undefined) throw notFound(target(def, name));
      const result = this.create(def, namespace, undefined, opts, merged);
      return { ...result, warnings: [...warnings, ...result.warnings] };
    }
    const result = this.updateFrom(def, old, merged, subresource, opts, "Apply");
    return { ...result, warnings: [...warnings, ...result.warnings] };
  }

  /** The shared update path: main/status separation, metadata rules, generation, validation, no-op detection. */
  private updateFrom(
    def: ResourceDefinition,
    old: KubeObject,
    candidate: KubeObject,
    subresource: string | undefined,
    opts: WriteOptions,
    operation: "Apply" | "Update",
  ): WriteResult {
    const name = old.metadata.name ?? "";
    const rv = candidate.metadata.resourceVersion;
    if (rv !== undefined && rv !== "" && rv !== old.metadata.resourceVersion)
      throw conflict(
        target(def, name),
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    const normalized = normalizeObject(
      def,
      candidate,
      operation === "Apply" ? "Ignore" : opts.fieldValidation,
    );
    let next = normalized.object;
    if (subresource === "status") {
      next = { ...cloneJson(old), status: next["status"] };
      if (next["status"] === undefined) delete next["status"];
      if (operation === "Apply") next.metadata.managedFields = candidate.metadata.managedFields ?? [];
    } else if (def.statusSubresource) {
      if (old["status"] === undefined) delete next["status"];
      else next["status"] = old["status"];
    }
    const meta = next.metadata;
    const oldMeta = old.metadata;
    meta.name = oldMeta.name ?? name;
    if (oldMeta.namespace !== undefined) meta.namespace = oldMeta.namespace;
    meta.uid = oldMeta.uid ?? "";
    meta.creationTimestamp = oldMeta.creationTimestamp ?? "";
    if (oldMeta.generateName !== undefined) meta.generateName = oldMeta.generateName;
    if (oldMeta.deletionTimestamp !== undefined) meta.deletionTimestamp = oldMeta.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined)
      meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    if (def.plural === "namespaces" && def.group === "") {
      meta.labels = { ...(meta.labels ?? {}), "kubernetes.io/metadata.name": meta.name };
      if (subresource === "finalize") next["spec"] = candidate["spec"] ?? {};
      else next["spec"] = old["spec"] ?? {};
      if (subresource !== "status") next["status"] = old["status"];
    }
    if (oldMeta.deletionTimestamp !== undefined) {
      const added = (meta.finalizers ?? []).filter((f) => !(oldMeta.finalizers ?? []).includes(f));
      if (added.length > 0)
        throw invalid({ group: def.group, kind: def.kind, name }, [
          {
            reason: "FieldValueForbidden",
            field: "metadata.finalizers",
            message: "Forbidden: no new finalizers can be added if the object is being deleted",
          },
        ]);
    }
    const strategy = subresource === undefined ? this.strategyOf(def) : undefined;
    strategy?.prepareForUpdate?.(next, old);
    if (tracksGeneration(def)) {
      const withStatus = !def.statusSubresource;
      meta.generation = deepEqual(specPart(next, withStatus), specPart(old, withStatus))
        ? (oldMeta.generation ?? 1)
        : (oldMeta.generation ?? 1) + 1;
    } else delete meta.generation;
    strategy?.afterGeneration?.(next, old);
    if (operation === "Update") {
      meta.managedFields = managedFieldsAfterUpdate(
        old,
        next,
        def.schema,
        def.builtIn,
        this.manager(opts, "Update", def, subresource),
      );
    } else meta.managedFields = candidate.metadata.managedFields ?? [];
    meta.resourceVersion = oldMeta.resourceVersion ?? "";
    validateObject(def, next, old, this.deps);
    if (deepEqual(stripManaged(next), stripManaged(old)) && sameOwnership(next, old))
      return { object: old, warnings: normalized.warnings, created: false };
    if (opts.dryRun === true) return { object: next, warnings: normalized.warnings, created: false };
    meta.resourceVersion = String(this.deps.store.nextRv());
    if (meta.deletionTimestamp !== undefined && isFinalized(def, next)) {
      this.removeNow(def, next);
      return { object: this.present(def, next), warnings: normalized.warnings, created: false };
    }
    this.putWithinLimit(storageKeyOf(def), storedFormOf(def, next));
    this.emit(def, "put", next, old);
    return { object: this.present(def, next), warnings: normalized.warnings, created: false };
  }

  /**
   * Deletes an object: with finalizers pending (or Foreground/Orphan propagation) it only sets
   * deletionTimestamp; otherwise it is removed. Returns the object and whether it is gone.
   */
  delete(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): { object: KubeObject; removed: boolean } {
    const old = this.find(def, namespace, name);
    if (old === undefined) throw notFound(target(def, name));
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid)
      throw conflict(
        target(def, name),
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ""}`,
      );
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        target(def, name),
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${old.metadata.resourceVersion ?? ""}`,
      );
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (old.metadata.deletionTimestamp === undefined) {
      if (opts.propagationPolicy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
      if (opts.propagationPolicy === "Foreground" && !finalizers.includes("foregroundDeletion"))
        finalizers.push("foregroundDeletion");
    }
    const next = cloneJson(old);
    next.metadata.finalizers = finalizers;
    if (finalizers.length === 0) delete next.metadata.finalizers;
    if (def.plural === "namespaces" && def.group === "")
      next["status"] = { ...(isJsonObject(next["status"]) ? next["status"] : {}), phase: "Terminating" };
    if (isFinalized(def, next)) {
      if (opts.dryRun === true) return { object: old, removed: true };
      next.metadata.resourceVersion = String(this.deps.store.nextRv());
      this.removeNow(def, next);
      return { object: this.present(def, next), removed: true };
    }
    if (
      old.metadata.deletionTimestamp !== undefined &&
      deepEqual(next.metadata.finalizers, old.metadata.finalizers)
    )
      return { object: old, removed: false };
    if (opts.dryRun === true) return { object: next, removed: false };
    // Starting a graceful deletion is a change of desired state: kube-apiserver bumps generation.
    const generation = next.metadata.generation;
    if (old.metadata.deletionTimestamp === undefined && generation !== undefined && generation > 0)
      next.metadata.generation = generation + 1;
    next.metadata.deletionTimestamp ??= nowTimestamp(this.deps.now());
    next.metadata.deletionGracePeriodSeconds ??= 0;
    next.metadata.resourceVersion = String(this.deps.store.nextRv());
    this.putWithinLimit(storageKeyOf(def), storedFormOf(def, next));
    this.emit(def, "put", next, old);
    return { object: this.present(def, next), removed: false };
  }

  private removeNow(def: ResourceDefinition, finalState: KubeObject): void {
    const key = storageKeyOf(def);
    const old = this.deps.store.get(key, finalState.metadata.namespace ?? "", finalState.metadata.name ?? "");
    this.deps.store.remove(key, storedFormOf(def, finalState));
    this.emit(def, "remove", finalState, old);
  }

  private emit(
    def: ResourceDefinition,
    type: "put" | "remove",
    object: KubeObject,
    old: KubeObject | undefined,
  ): void {
    for (const l of this.listeners) l({ def, type, object, old });
  }
}
