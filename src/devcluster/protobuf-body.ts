/**
 * Decoding of the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) for the
 * built-in kinds kubectl creates from its typed generators (`kubectl create namespace|configmap|
 * secret|job`). kubectl always sends protobuf for those; other kinds answer 415.
 */
import { badRequest, unsupportedMediaType } from "./errors.js";
import type { JsonObject, JsonValue } from "./types.js";

type FieldType =
  "string" | "bytes" | "int" | "bool" | "stringMap" | "bytesMap" | "quantityMap" | "time" | "message";
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
  message?: () => Descriptor;
}
type Descriptor = Record<number, Field>;

const f = (name: string, type: FieldType, extra: Partial<Field> = {}): Field => ({ name, type, ...extra });
const msg = (name: string, message: () => Descriptor, repeated = false): Field => ({
  name,
  type: "message",
  message,
  repeated,
});

const ownerReference: Descriptor = {
  1: f("kind", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("controller", "bool"),
  7: f("blockOwnerDeletion", "bool"),
};
const objectMeta: Descriptor = {
  1: f("name", "string"),
  2: f("generateName", "string"),
  3: f("namespace", "string"),
  5: f("uid", "string"),
  6: f("resourceVersion", "string"),
  7: f("generation", "int"),
  11: f("labels", "stringMap"),
  12: f("annotations", "stringMap"),
  13: msg("ownerReferences", () => ownerReference, true),
  14: f("finalizers", "string", { repeated: true }),
};
const envVar: Descriptor = { 1: f("name", "string"), 2: f("value", "string") };
const resources: Descriptor = { 1: f("limits", "quantityMap"), 2: f("requests", "quantityMap") };
const container: Descriptor = {
  1: f("name", "string"),
  2: f("image", "string"),
  3: f("command", "string", { repeated: true }),
  4: f("args", "string", { repeated: true }),
  5: f("workingDir", "string"),
  7: msg("env", () => envVar, true),
  8: msg("resources", () => resources),
  13: f("terminationMessagePath", "string"),
  14: f("imagePullPolicy", "string"),
  16: f("stdin", "bool"),
  18: f("tty", "bool"),
  20: f("terminationMessagePolicy", "string"),
};
const podSpec: Descriptor = {
  2: msg("containers", () => container, true),
  3: f("restartPolicy", "string"),
  4: f("terminationGracePeriodSeconds", "int"),
  6: f("dnsPolicy", "string"),
  7: f("nodeSelector", "stringMap"),
  8: f("serviceAccountName", "string"),
  20: msg("initContainers", () => container, true),
};
const podTemplate: Descriptor = { 1: msg("metadata", () => objectMeta), 2: msg("spec", () => podSpec) };
const jobSpec: Descriptor = {
  1: f("parallelism", "int"),
  2: f("completions", "int"),
  3: f("activeDeadlineSeconds", "int"),
  6: msg("template", () => podTemplate),
  7: f("backoffLimit", "int"),
  8: f("ttlSecondsAfterFinished", "int"),
  9: f("completionMode", "string"),
  10: f("suspend", "bool"),
};

const KINDS: Record<string, Descriptor> = {
  "v1/Namespace": {
    1: msg("metadata", () => objectMeta),
    2: msg("spec", () => ({ 1: f("finalizers", "string", { repeated: true }) })),
  },
  "v1/ConfigMap": {
    1: msg("metadata", () => objectMeta),
    2: f("data", "stringMap"),
    3: f("binaryData", "bytesMap"),
    4: f("immutable", "bool"),
  },
  "v1/Secret": {
    1: msg("metadata", () => objectMeta),
    2: f("data", "bytesMap"),
    3: f("type", "string"),
    4: f("stringData", "stringMap"),
    5: f("immutable", "bool"),
  },
  "batch/v1/Job": { 1: msg("metadata", () => objectMeta), 2: msg("spec", () => jobSpec) },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw badRequest("protobuf body: truncated varint");
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw badRequest("protobuf body: truncated field");
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`protobuf body: unsupported wire type ${wire}`);
  }
}

const text = new TextDecoder();

function decodeMessage(buf: Uint8Array, descriptor: Descriptor): JsonObject {
  const r = new Reader(buf);
  const out: JsonObject = {};
  while (!r.done) {
    const tag = r.varint();
    const field = descriptor[Math.floor(tag / 8)];
    const wire = tag % 8;
    if (field === undefined) {
      r.skip(wire);
      continue;
    }
    const value = decodeField(r, field, wire);
    // Go writes non-pointer zero values; its JSON encoding omits them (omitempty).
    if ((value === "" || value === false) && field.repeated !== true) continue;
    if (field.type.endsWith("Map") && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const existing = out[field.name];
      out[field.name] = {
        ...(existing !== null && typeof existing === "object" && !Array.isArray(existing) ? existing : {}),
        ...value,
      };
    } else if (field.repeated === true) {
      const list = Array.isArray(out[field.name]) ? (out[field.name] as JsonValue[]) : [];
      list.push(value);
      out[field.name] = list;
    } else out[field.name] = value;
  }
  return out;
}

function decodeField(r: Reader, field: Field, wire: number): JsonValue {
  switch (field.type) {
    case "string":
      return text.decode(r.bytes());
    case "bytes":
      return Buffer.from(r.bytes()).toString("base64");
    case "int":
      return r.varint();
    case "bool":
      return r.varint() !== 0;
    case "time":
      return new Date(
        ((decodeMessage(r.bytes(), { 1: f("seconds", "int") })["seconds"] as number | undefined) ?? 0) * 1000,
      ).toISOString();
    case "message":
      return decodeMessage(r.bytes(), field.message?.() ?? {});
    default: {
      if (wire !== 2) throw badRequest(`protobuf body: ${field.name} is not length-delimited`);
      const entry = decodeMessage(r.bytes(), {
        1: f("key", "string"),
        2:
          field.type === "stringMap"
            ? f("value", "string")
            : field.type === "bytesMap"
              ? f("value", "bytes")
              : msg("value", () => ({ 1: f("string", "string") })),
      });
      const v = entry["value"];
      const value =
        field.type === "quantityMap" && v !== null && typeof v === "object" && !Array.isArray(v)
          ? (v["string"] ?? "")
          : (v ?? "");
      return { [String(entry["key"] ?? "")]: value };
    }
  }
}

/** Decodes a `k8s\0`-prefixed protobuf body into the JSON object; throws 415 for kinds it does not know. */
export function decodeProtobufObject(body: Buffer, contentType: string): JsonObject {
  const magic = body.subarray(0, 4).toString("latin1");
  if (magic !== "k8s\u0000") throw badRequest("protobuf body: missing the k8s envelope");
  const unknown = decodeMessage(body.subarray(4), {
    1: msg("typeMeta", () => ({ 1: f("apiVersion", "string"), 2: f("kind", "string") })),
    2: f("raw", "bytes"),
  });
  const typeMeta = (unknown["typeMeta"] ?? {}) as { apiVersion?: string; kind?: string };
  const key = `${typeMeta.apiVersion ?? ""}/${typeMeta.kind ?? ""}`;
  const descriptor = KINDS[key];
  if (descriptor === undefined) throw unsupportedMediaType(`${contentType} (${key}; send JSON)`);
  const object = decodeMessage(Buffer.from(String(unknown["raw"] ?? ""), "base64"), descriptor);
  return { apiVersion: typeMeta.apiVersion ?? "", kind: typeMeta.kind ?? "", ...object };
}
