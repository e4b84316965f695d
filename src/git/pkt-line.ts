/**
 * Pure: git's pkt-line framing (gitprotocol-common): 4 hex digits of length (including themselves)
 * then the payload; `0000` flush, `0001` delimiter (protocol v2), `0002` response end. And the
 * side-band-64k demultiplexing of a packfile stream: band 1 pack data, 2 progress, 3 a fatal error.
 */

/** A malformed pkt-line stream or side-band; the message says where. */
export class GitProtocolError extends Error {
  override readonly name = "GitProtocolError";
}

/** One packet: its payload, or one of the three special packets. */
export type Packet =
  | { readonly kind: "data"; readonly payload: Uint8Array }
  | { readonly kind: "flush" | "delim" | "response-end" };

const SPECIAL = { 0: "flush", 1: "delim", 2: "response-end" } as const;

/** Encodes one data packet (`text` as UTF-8, written as given: callers add the `\n`). */
export function pktLine(text: string): string {
  const length = Buffer.byteLength(text, "utf8") + 4;
  if (length > 65520) throw new GitProtocolError(`pkt-line too long (${length} bytes)`);
  return length.toString(16).padStart(4, "0") + text;
}

/** The flush packet. */
export const FLUSH_PKT = "0000";
/** The protocol v2 delimiter packet. */
export const DELIM_PKT = "0001";

/** Splits `body` into packets. Throws {@link GitProtocolError} on a bad length or a truncated packet. */
export function parsePktLines(body: Uint8Array): Packet[] {
  const packets: Packet[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lengthHex = Buffer.from(body.subarray(offset, offset + 4)).toString("latin1");
    if (!/^[0-9a-fA-F]{4}$/.test(lengthHex)) {
      throw new GitProtocolError(`bad pkt-line length ${JSON.stringify(lengthHex)} at byte ${offset}`);
    }
    const length = Number.parseInt(lengthHex, 16);
    if (length <= 2) {
      packets.push({ kind: SPECIAL[length as 0 | 1 | 2] });
      offset += 4;
      continue;
    }
    if (length === 3 || offset + length > body.length) {
      throw new GitProtocolError(`pkt-line of length ${length} at byte ${offset} overruns the body`);
    }
    packets.push({ kind: "data", payload: body.subarray(offset + 4, offset + length) });
    offset += length;
  }
  return packets;
}

/** A data packet's payload as text without its trailing newline. */
export function packetText(packet: Packet): string | undefined {
  return packet.kind === "data" ? Buffer.from(packet.payload).toString("utf8").replace(/\n$/, "") : undefined;
}

/**
 * Joins the band-1 payloads of side-band-64k `packets` (the packfile) until a flush or the end.
 * Band 2 (progress) is ignored; band 3 throws {@link GitProtocolError} with the server's message.
 */
export function demultiplexSideBand(packets: readonly Packet[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const packet of packets) {
    if (packet.kind !== "data") break;
    const band = packet.payload[0];
    const data = packet.payload.subarray(1);
    if (band === 1) chunks.push(data);
    else if (band === 3)
      throw new GitProtocolError(`the git server failed: ${Buffer.from(data).toString("utf8").trim()}`);
    else if (band !== 2) throw new GitProtocolError(`unknown side-band ${String(band)}`);
  }
  return Buffer.concat(chunks);
}
