import { describe, expect, it } from "vitest";
import { DELIM_PKT, FLUSH_PKT, pktLine } from "../../../src/git/pkt-line.js";
import {
  parseUploadPackCapabilities,
  parseUploadPackResponse,
  uploadPackRequest,
} from "../../../src/git/upload-pack-request.js";

const bytes = (s: string): Uint8Array => Buffer.from(s, "latin1");
const A = "a".repeat(40);
const B = "b".repeat(40);

describe("upload-pack capabilities", () => {
  it("reads protocol v2's fetch features", () => {
    const body = `${pktLine("# service=git-upload-pack\n")}${FLUSH_PKT}${pktLine("version 2\n")}${pktLine("agent=git/2.39\n")}${pktLine("ls-refs=unborn\n")}${pktLine("fetch=shallow wait-for-done filter\n")}${FLUSH_PKT}`;
    expect(parseUploadPackCapabilities(bytes(body))).toEqual({ version: 2, filter: true, shallow: true });
  });

  it("reads v0's capabilities after the first ref's NUL", () => {
    const body = `${pktLine("# service=git-upload-pack\n")}${FLUSH_PKT}${pktLine(`${A} HEAD\0multi_ack side-band-64k ofs-delta shallow agent=git/2.39\n`)}${FLUSH_PKT}`;
    expect(parseUploadPackCapabilities(bytes(body))).toEqual({ version: 0, filter: false, shallow: true });
  });
});

describe("upload-pack request", () => {
  it("asks v2 for commits only, a bounded depth, to wanted and from had", () => {
    expect(
      uploadPackRequest({ version: 2, filter: true, shallow: true }, { to: B, have: [A], depth: 500 }),
    ).toBe(
      [
        pktLine("command=fetch\n"),
        pktLine("agent=git/2.39.5-okd-payload-operator\n"),
        DELIM_PKT,
        pktLine("ofs-delta\n"),
        pktLine("no-progress\n"),
        pktLine("filter tree:0\n"),
        pktLine("deepen 500\n"),
        pktLine(`want ${B}\n`),
        pktLine(`have ${A}\n`),
        pktLine("done\n"),
        FLUSH_PKT,
      ].join(""),
    );
  });

  it("asks v0 with the capabilities on the want line, deepen when offered, no filter when not", () => {
    const body = uploadPackRequest(
      { version: 0, filter: false, shallow: true },
      { to: B, have: [A], depth: 9 },
    );
    expect(body).toBe(
      `${pktLine(`want ${B} ofs-delta side-band-64k no-progress shallow agent=git/2.39.5-okd-payload-operator\n`)}${pktLine("deepen 9\n")}${FLUSH_PKT}${pktLine(`have ${A}\n`)}${pktLine("done\n")}`,
    );
  });
});

describe("upload-pack response", () => {
  const band1 = (s: string) => pktLine(`\u0001${s}`);
  it("reads v2's shallow-info and packfile sections", () => {
    const body = `${pktLine("shallow-info\n")}${pktLine(`shallow ${A}\n`)}${DELIM_PKT}${pktLine("packfile\n")}${band1("PA")}${band1("CK")}${FLUSH_PKT}`;
    const r = parseUploadPackResponse(2, bytes(body));
    expect(Buffer.from(r.pack).toString("latin1")).toBe("PACK");
    expect([...r.shallow]).toEqual([A]);
  });

  it("reads v0's ACK/NAK then the side-band pack; an ERR line is the server's error", () => {
    const r = parseUploadPackResponse(0, bytes(`${pktLine(`ACK ${A}\n`)}${band1("PACK")}${FLUSH_PKT}`));
    expect(Buffer.from(r.pack).toString("latin1")).toBe("PACK");
    expect(() => parseUploadPackResponse(2, bytes(pktLine(`ERR upload-pack: not our ref ${B}\n`)))).toThrow(
      `the git server answered: upload-pack: not our ref ${B}`,
    );
    expect(() =>
      parseUploadPackResponse(2, bytes(`${pktLine("acknowledgments\n")}${pktLine("NAK\n")}${FLUSH_PKT}`)),
    ).toThrow(/no packfile section/);
  });
});
