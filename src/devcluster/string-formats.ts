/**
 * The string formats kube-apiserver validates in custom resources (apiextensions-apiserver's
 * supported formats, checked with kube-openapi's strfmt registry); any other `format` (int32,
 * password, an unknown name) is not checked, as on the real server.
 */
import { isIP } from "node:net";

const HEX = "[0-9a-fA-F]";
const UUID = new RegExp(`^${HEX}{8}-?${HEX}{4}-?${HEX}{4}-?${HEX}{4}-?${HEX}{12}$`);
const UUID_VERSION = (v: number) =>
  new RegExp(`^${HEX}{8}-?${HEX}{4}-?${v}${HEX}{3}-?[89aAbB]${HEX}{3}-?${HEX}{12}$`);
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;
const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const GO_DURATION =
  /^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))*$/;
const WORD_DURATION =
  /^\d+\s*(ns|us|µs|ms|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|wks|week|weeks)$/;

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
}

function isBase64(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}

function isCidr(value: string): boolean {
  const [ip, prefix, extra] = value.split("/");
  if (ip === undefined || prefix === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefix))
    return false;
  const version = isIP(ip);
  return version !== 0 && Number(prefix) <= (version === 4 ? 32 : 128);
}

function isUri(value: string): boolean {
  if (value.startsWith("/")) return true;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/.test(value) && URL.canParse(value);
}

/** Format name -> whether a string value is valid (the formats the real server checks). */
export const STRING_FORMATS: ReadonlyMap<string, (value: string) => boolean> = new Map([
  [
    "date-time",
    (v: string) => {
      const m = DATE_TIME.exec(v);
      return (
        m !== null &&
        validDate(m[1] ?? "", m[2] ?? "", m[3] ?? "") &&
        Number(m[4]) < 24 &&
        Number(m[5]) < 60 &&
        Number(m[6]) < 61
      );
    },
  ],
  ["datetime", (v: string) => STRING_FORMATS.get("date-time")?.(v) === true],
  [
    "date",
    (v: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      return m !== null && validDate(m[1] ?? "", m[2] ?? "", m[3] ?? "");
    },
  ],
  ["byte", isBase64],
  ["uuid", (v: string) => UUID.test(v)],
  ["uuid3", (v: string) => UUID_VERSION(3).test(v)],
  ["uuid4", (v: string) => UUID_VERSION(4).test(v)],
  ["uuid5", (v: string) => UUID_VERSION(5).test(v)],
  ["ipv4", (v: string) => isIP(v) === 4],
  ["ipv6", (v: string) => isIP(v) === 6],
  ["cidr", isCidr],
  [
    "mac",
    (v: string) =>
      /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(v) || /^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/.test(v),
  ],
  ["hostname", (v: string) => v.length <= 255 && HOSTNAME.test(v)],
  ["email", (v: string) => /^[^@\s<>]+@[^@\s<>]+$/.test(v)],
  ["uri", isUri],
  ["duration", (v: string) => GO_DURATION.test(v) || WORD_DURATION.test(v)],
  ["hexcolor", (v: string) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v)],
  ["rgbcolor", (v: string) => /^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/.test(v)],
  ["bsonobjectid", (v: string) => /^[0-9a-fA-F]{24}$/.test(v)],
  ["ssn", (v: string) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(v)],
]);
