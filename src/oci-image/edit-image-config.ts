/** Pure edits of an image config: labels, rootfs.diff_ids, history, created, build-only fields. */
import type { ImageConfig } from "../registry/manifest-schemas.js";

/** One history entry as written by this module. */
export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** What to change in a config. Every field is optional; absent means "leave as is". */
export interface ImageConfigEdit {
  /** diffIDs of layers appended to the image, in order. */
  readonly appendDiffIds?: readonly string[];
  /** Labels: `replace` sets `config.Labels` to exactly these; `merge` adds/overwrites these keys. */
  readonly labels?: { readonly mode: "replace" | "merge"; readonly values: Readonly<Record<string, string>> };
  /** New `created` time (RFC 3339). */
  readonly created?: string;
  /**
   * History: `append` adds the entries after the existing ones; `replace` sets the history to `entry`
   * followed by entries `{created: entry.created}` until there is one entry per layer (what
   * `oc image append` does for a release image).
   */
  readonly history?:
    | { readonly mode: "append"; readonly entries: readonly HistoryEntry[] }
    | { readonly mode: "replace"; readonly entry: HistoryEntry };
  /** Removes `container` and `parent`, and resets `container_config` to `{}` when present. */
  readonly clearBuildFields?: boolean;
  /** Sets `os`/`architecture` only where the config leaves them empty. */
  readonly defaultPlatform?: { readonly os: string; readonly architecture: string };
}

/**
 * Returns a new config with `edit` applied; the input is not changed. Fields this module does not know
 * are kept, in their order, so the serialized result differs from the input only where edited.
 */
export function editImageConfig(config: ImageConfig, edit: ImageConfigEdit): ImageConfig {
  const next: ImageConfig = structuredClone(config);
  if (edit.defaultPlatform !== undefined) {
    if (next.os === "") next.os = edit.defaultPlatform.os;
    if (next.architecture === "") next.architecture = edit.defaultPlatform.architecture;
  }
  if (edit.clearBuildFields === true) {
    delete next["container"];
    delete next["parent"];
    if ("container_config" in next) next["container_config"] = {};
  }
  if (edit.created !== undefined) next.created = edit.created;
  if (edit.labels !== undefined) {
    const inner = next.config ?? {};
    const current = edit.labels.mode === "merge" ? (inner.Labels ?? {}) : {};
    inner.Labels = { ...current, ...edit.labels.values };
    next.config = inner;
  }
  if (edit.appendDiffIds !== undefined) {
    next.rootfs = { ...next.rootfs, diff_ids: [...next.rootfs.diff_ids, ...edit.appendDiffIds] };
  }
  if (edit.history !== undefined) {
    if (edit.history.mode === "append") {
      next.history = [...(next.history ?? []), ...edit.history.entries.map((entry) => ({ ...entry }))];
    } else {
      const { entry } = edit.history;
      const layers = next.rootfs.diff_ids.length;
      const filler = entry.created === undefined ? {} : { created: entry.created };
      next.history = [
        { ...entry },
        ...Array.from({ length: Math.max(0, layers - 1) }, () => ({ ...filler })),
      ];
    }
  }
  return next;
}

/** Serializes a JSON document (config, manifest, index) compactly, keys in insertion order. */
export function serializeJson(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document), "utf8");
}
