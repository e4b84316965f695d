import { describe, expect, it } from "vitest";
import {
  DELIM_PKT,
  FLUSH_PKT,
  GitProtocolError,
  demultiplexSideBand,
  packetText,
  parsePktLines,
  pktLine,
} from "../../../src/git/pkt-line.js";

const bytes = (s: string): Uint8Array => Buffer.from(s, "latin1");

describe("pkt-lines", () => {
  it("encodes a line with its length (including the 4 length digits) and reads it back", () => {
    expect(pktLine("want abc\n")).toBe("000dwant abc\n");
    const packets = parsePktLines(bytes(`${pktLine("a\n")}${DELIM_PKT}${pktLine("b")}${FLUSH_PKT}0002`));
    expect(packets.map((p) => p.kind)).toEqual(["data", "delim", "data", "flush", "response-end"]);
    expect(packets.map(packetText)).toEqual(["a", undefined, "b", undefined, undefined]);
  });

  it("refuses a bad length or a truncated packet, saying where", () => {
    expect(() => parsePktLines(bytes("00zzoops"))).toThrow(/bad pkt-line length "00zz" at byte 0/);
    expect(() => parsePktLines(bytes("0010short"))).toThrow(GitProtocolError);
    expect(() => parsePktLines(bytes("0003"))).toThrow(/overruns/);
  });

  it("joins side-band 1 (pack data), skips 2 (progress), fails on 3 with the server's message", () => {
    const band = (n: number, s: string) => pktLine(String.fromCharCode(n) + s);
    const ok = parsePktLines(bytes(band(1, "PA") + band(2, "Counting objects") + band(1, "CK") + FLUSH_PKT));
    expect(Buffer.from(demultiplexSideBand(ok)).toString("latin1")).toBe("PACK");
    const failed = parsePktLines(bytes(band(1, "PA") + band(3, "pack-objects died\n")));
    expect(() => demultiplexSideBand(failed)).toThrow("the git server failed: pack-objects died");
  });
});
