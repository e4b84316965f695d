#!/usr/bin/env node
/**
 * The root `postinstall` (plain JavaScript on purpose: it runs right after `npm ci`, on whatever Node
 * npm finds first, with nothing compiled). Every npm script and `npx payloadctl` run on the Node the
 * project pins (the `node` devDependency), not on the machine's Node, so the packages' `engines.node`
 * are checked against the pinned version here instead of by npm (package-lock.json carries no
 * `engines.node`: `npm run generate` strips them, see scripts/generators.ts). Prints one line when
 * every installed package accepts the pinned Node, else one warning line per package that does not.
 *
 * Exit status is always 0: a mismatch is a warning, as npm's own EBADENGINE is.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import console from "node:console";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * Whether `version` (x.y.z) satisfies the npm semver range `range` (`||`, space-separated
 * comparators, `^`, `~`, x-ranges, hyphen ranges). Returns undefined for a range it cannot read.
 * @param {string} version
 * @param {string} range
 * @returns {boolean | undefined}
 */
export function satisfiesRange(version, range) {
  const v = parseVersion(version);
  if (v === undefined) return undefined;
  let readable = true;
  const anySet = range.split("||").some((set) => {
    const comparators = comparatorsOf(set.trim());
    if (comparators === undefined) {
      readable = false;
      return false;
    }
    return comparators.every(([op, bound]) => compareWith(op, compareVersions(v, bound)));
  });
  return anySet ? true : readable ? false : undefined;
}

/** @param {string} text @returns {[number, number, number] | undefined} */
function parseVersion(text) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** @param {number[]} a @param {number[]} b */
function compareVersions(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0) ? -1 : 1;
  return 0;
}

/** @param {string} op @param {number} cmp */
function compareWith(op, cmp) {
  return op === ">="
    ? cmp >= 0
    : op === ">"
      ? cmp > 0
      : op === "<="
        ? cmp <= 0
        : op === "<"
          ? cmp < 0
          : cmp === 0;
}

/**
 * A partial version: `[major, minor, patch]` with undefined for a missing or x/* part.
 * @param {string} text
 * @returns {(number | undefined)[] | undefined}
 */
function parsePartial(text) {
  const match = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!match) return undefined;
  const parts = [match[1], match[2], match[3]].map((p) =>
    p === undefined || /^[xX*]$/.test(p) ? undefined : Number(p),
  );
  // 1.x.3 reads as 1.x
  const firstMissing = parts.indexOf(undefined);
  return firstMissing < 0 ? parts : parts.map((p, i) => (i >= firstMissing ? undefined : p));
}

/** @param {(number | undefined)[]} p @returns {number[]} */
const lowest = (p) => p.map((n) => n ?? 0);

/**
 * The first version above every version matching the partial `p` (1.2 -> 1.3.0, 1 -> 2.0.0).
 * @param {(number | undefined)[]} p
 * @returns {number[] | undefined}
 */
function nextAfter(p) {
  const known = p.filter((n) => n !== undefined).length;
  if (known === 0) return undefined;
  const bumped = lowest(p).slice(0, known);
  bumped[known - 1] = (bumped[known - 1] ?? 0) + 1;
  return [...bumped, 0, 0].slice(0, 3);
}

/**
 * @param {string} set one `||` alternative
 * @returns {[string, number[]][] | undefined}
 */
function comparatorsOf(set) {
  if (set === "" || set === "*" || /^[xX]$/.test(set)) return [];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
  if (hyphen) {
    const from = parsePartial(hyphen[1] ?? "");
    const to = parsePartial(hyphen[2] ?? "");
    if (!from || !to) return undefined;
    const upper = to.includes(undefined) ? nextAfter(to) : to;
    return [[">=", lowest(from)], ...(upper ? [[to.includes(undefined) ? "<" : "<=", upper]] : [])];
  }
  /** @type {[string, number[]][]} */
  const result = [];
  for (const token of set.replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1").split(/\s+/)) {
    const match = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(token);
    const op = match?.[1] ?? "";
    const p = parsePartial(match?.[2] ?? "");
    if (!p) return undefined;
    const [major, minor] = p;
    const upper = nextAfter(p);
    if (op === "^") {
      const caretUpper =
        major !== 0 || minor === undefined
          ? nextAfter([major])
          : minor !== 0 || p[2] === undefined
            ? nextAfter([0, minor])
            : nextAfter(p);
      result.push([">=", lowest(p)]);
      if (caretUpper) result.push(["<", caretUpper]);
    } else if (op === "~") {
      result.push([">=", lowest(p)]);
      const tildeUpper = minor === undefined ? nextAfter([major]) : nextAfter([major, minor]);
      if (tildeUpper) result.push(["<", tildeUpper]);
    } else if (op === "" || op === "=") {
      if (!p.includes(undefined)) result.push(["=", lowest(p)]);
      else if (upper) result.push([">=", lowest(p)], ["<", upper]);
    } else if (op === ">=" || op === "<") {
      result.push([op, lowest(p)]);
    } else if (op === ">") {
      result.push(p.includes(undefined) ? (upper ? [">=", upper] : ["<", [0, 0, 0]]) : [">", lowest(p)]);
    } else {
      // "<="
      result.push(p.includes(undefined) ? (upper ? ["<", upper] : [">=", [0, 0, 0]]) : ["<=", lowest(p)]);
    }
  }
  return result;
}

/**
 * The installed packages whose `engines.node` the pinned Node does not satisfy, and those whose
 * range could not be read.
 * @param {string} root the project directory
 * @param {string} pinnedVersion e.g. "24.9.0"
 * @returns {{ checked: number, unsatisfied: string[], unreadable: string[] }}
 */
export function checkInstalledEngines(root, pinnedVersion) {
  const hidden = join(root, "node_modules", ".package-lock.json");
  const lock = JSON.parse(
    readFileSync(existsSync(hidden) ? hidden : join(root, "package-lock.json"), "utf8"),
  );
  /** @type {string[]} */
  const unsatisfied = [];
  /** @type {string[]} */
  const unreadable = [];
  let checked = 0;
  for (const location of Object.keys(lock.packages ?? {})) {
    if (location === "") continue;
    const manifestPath = join(root, location, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const range = manifest?.engines?.node;
    if (typeof range !== "string") continue;
    checked++;
    const label = `${manifest.name ?? location}@${manifest.version ?? "?"} (engines.node ${JSON.stringify(range)})`;
    const ok = satisfiesRange(pinnedVersion, range);
    if (ok === false) unsatisfied.push(label);
    else if (ok === undefined) unreadable.push(label);
  }
  return { checked, unsatisfied, unreadable };
}

/** The Node that runs npm (from npm's user agent), which is not the one npm scripts run on. */
function machineNode() {
  return /\bnode\/(v\S+)/.exec(process.env.npm_config_user_agent ?? "")?.[1] ?? process.version;
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const pinnedManifest = join(root, "node_modules", "node", "package.json");
  if (!existsSync(pinnedManifest)) {
    // --omit=dev: no pinned Node, nothing runs npm scripts here.
    console.log(
      `pinned Node not installed (the \`node\` devDependency); npm scripts would run on the machine's Node ${process.version}`,
    );
    return;
  }
  const pinned = JSON.parse(readFileSync(pinnedManifest, "utf8")).version;
  const { checked, unsatisfied, unreadable } = checkInstalledEngines(root, pinned);
  for (const label of unsatisfied)
    console.warn(
      `WARNING: ${label} does not accept the pinned Node ${pinned}; change the \`node\` devDependency or that package's version`,
    );
  for (const label of unreadable)
    console.warn(
      `WARNING: ${label}: range not understood; check it against the pinned Node ${pinned} by hand`,
    );
  if (unsatisfied.length === 0 && unreadable.length === 0)
    console.log(
      `using the pinned Node ${pinned} for every npm script (machine Node ${machineNode()}); all ${checked} packages' engines are satisfied by it`,
    );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
