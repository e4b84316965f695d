/**
 * Pure: the upload-pack conversation of a commits-only fetch, both ways. The capability
 * advertisement (`GET info/refs?service=git-upload-pack` with `Git-Protocol: version=2`) tells
 * protocol v2 (`version 2` and its capability lines) from v0/v1 (refs, capabilities after the
 * first ref's NUL); the request body asks for `want <to>`, `have <from>`, `done` and, when the
 * server offers them, `filter tree:0` (commits only) and `deepen <n>` (a bounded history); the
 * response is read for the shallow boundary and the side-band packfile (gitprotocol-v2 "fetch",
 * gitprotocol-pack "Packfile Negotiation").
 */
import {
  DELIM_PKT,
  FLUSH_PKT,
  GitProtocolError,
  demultiplexSideBand,
  packetText,
  parsePktLines,
  pktLine,
  type Packet,
} from "./pkt-line.js";

/** What the server offers for a fetch. */
export interface UploadPackCapabilities {
  readonly version: 0 | 2;
  /** It can leave trees and blobs out (`filter`). */
  readonly filter: boolean;
  /** It can cut the history at a depth (`shallow`). */
  readonly shallow: boolean;
}

const AGENT = "git/2.39.5-okd-payload-operator";

/** Reads the capabilities from the body of `GET info/refs?service=git-upload-pack`. */
export function parseUploadPackCapabilities(body: Uint8Array): UploadPackCapabilities {
  const lines = parsePktLines(body)
    .map(packetText)
    .filter((l): l is string => l !== undefined && !l.startsWith("# service="));
  const first = lines[0];
  if (first?.startsWith("ERR ")) throw new GitProtocolError(`the git server answered: ${first.slice(4)}`);
  if (first === "version 2") {
    const fetch = lines.find((l) => l === "fetch" || l.startsWith("fetch="));
    if (fetch === undefined)
      throw new GitProtocolError("the git server speaks protocol v2 but offers no fetch");
    const features = fetch.startsWith("fetch=") ? fetch.slice("fetch=".length).split(" ") : [];
    return { version: 2, filter: features.includes("filter"), shallow: features.includes("shallow") };
  }
  const nul = first?.indexOf("\0") ?? -1;
  const capabilities = nul < 0 ? [] : (first ?? "").slice(nul + 1).split(" ");
  return { version: 0, filter: capabilities.includes("filter"), shallow: capabilities.includes("shallow") };
}

/** What to fetch. */
export interface CommitsWanted {
  readonly to: string;
  /** Commits the server need not send (nor their ancestors). */
  readonly have: readonly string[];
  /** Cut the history this many commits deep, when the server can. */
  readonly depth: number;
}

/** The request body of `POST <url>/git-upload-pack` for `capabilities`. */
export function uploadPackRequest(capabilities: UploadPackCapabilities, wanted: CommitsWanted): string {
  const haves = wanted.have.map((h) => pktLine(`have ${h}\n`)).join("");
  if (capabilities.version === 2) {
    return [
      pktLine("command=fetch\n"),
      pktLine(`agent=${AGENT}\n`),
      DELIM_PKT,
      pktLine("ofs-delta\n"),
      pktLine("no-progress\n"),
      capabilities.filter ? pktLine("filter tree:0\n") : "",
      capabilities.shallow ? pktLine(`deepen ${wanted.depth}\n`) : "",
      pktLine(`want ${wanted.to}\n`),
      haves,
      pktLine("done\n"),
      FLUSH_PKT,
    ].join("");
  }
  const features = [
    "ofs-delta",
    "side-band-64k",
    "no-progress",
    ...(capabilities.shallow ? ["shallow"] : []),
    ...(capabilities.filter ? ["filter"] : []),
  ];
  return [
    pktLine(`want ${wanted.to} ${features.join(" ")} agent=${AGENT}\n`),
    capabilities.shallow ? pktLine(`deepen ${wanted.depth}\n`) : "",
    capabilities.filter ? pktLine("filter tree:0\n") : "",
    FLUSH_PKT,
    haves,
    pktLine("done\n"),
  ].join("");
}

/** The packfile of an upload-pack response and the commits the history was cut at. */
export interface UploadPackResult {
  readonly pack: Uint8Array;
  readonly shallow: ReadonlySet<string>;
}

function serverError(line: string): GitProtocolError {
  return new GitProtocolError(`the git server answered: ${line.slice(4)}`);
}

/** Reads an upload-pack response to {@link uploadPackRequest}. Throws {@link GitProtocolError}. */
export function parseUploadPackResponse(version: 0 | 2, body: Uint8Array): UploadPackResult {
  const packets = parsePktLines(body);
  const shallow = new Set<string>();
  let i = 0;
  const text = (p: Packet | undefined): string | undefined => (p === undefined ? undefined : packetText(p));
  if (version === 2) {
    while (i < packets.length) {
      const header = text(packets[i]);
      i++;
      if (header === undefined) continue;
      if (header.startsWith("ERR ")) throw serverError(header);
      if (header === "packfile") return { pack: demultiplexSideBand(packets.slice(i)), shallow };
      // shallow-info, acknowledgments, wanted-refs, packfile-uris: lines until a delimiter.
      for (; i < packets.length && packets[i]?.kind === "data"; i++) {
        const line = text(packets[i]) ?? "";
        if (line.startsWith("shallow ")) shallow.add(line.slice("shallow ".length));
        if (line.startsWith("ERR ")) throw serverError(line);
      }
    }
    throw new GitProtocolError("the git server's answer holds no packfile section");
  }
  // v0: ACK/NAK (and shallow) lines, then side-band packets.
  for (; i < packets.length; i++) {
    const p = packets[i];
    if (p === undefined || p.kind !== "data") continue;
    const band = p.payload[0];
    if (band === 1 || band === 2 || band === 3) break;
    const line = text(p) ?? "";
    if (line.startsWith("ERR ")) throw serverError(line);
    if (line.startsWith("shallow ")) shallow.add(line.slice("shallow ".length));
  }
  if (i >= packets.length) throw new GitProtocolError("the git server's answer holds no packfile");
  return { pack: demultiplexSideBand(packets.slice(i)), shallow };
}
