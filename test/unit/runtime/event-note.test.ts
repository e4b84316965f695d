/** Event notes are cut by UTF-8 bytes, as the API server counts them, never inside a code point. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_NOTE_MAX_BYTES, truncateEventNote } from "../../../src/runtime/event-note.js";

const bytes = (text: string): number => Buffer.byteLength(text, "utf8");

describe("truncateEventNote", () => {
  it("cuts a 1,895-byte Cyrillic note to at most 1,024 bytes, ending in ...", () => {
    const note = `сборка компонента провалилась: ${"ошибка ".repeat(140)}`;
    expect(bytes(note)).toBeGreaterThan(1800);
    expect(note.length).toBeLessThan(1024); // fewer than 1,024 characters: a character count would keep it whole
    const cut = truncateEventNote(note);
    expect(bytes(cut)).toBeLessThanOrEqual(EVENT_NOTE_MAX_BYTES);
    expect(bytes(cut)).toBeGreaterThan(EVENT_NOTE_MAX_BYTES - 4);
    expect(cut.endsWith("...")).toBe(true);
    expect(note.startsWith(cut.slice(0, -3))).toBe(true);
  });

  it("leaves a note of exactly 1,024 bytes alone", () => {
    const note = "é".repeat(512);
    expect(truncateEventNote(note)).toBe(note);
  });

  it("never splits a code point (emoji are 4 bytes, surrogate pairs in UTF-16)", () => {
    const cut = truncateEventNote("😀".repeat(300));
    expect(cut).toBe(`${"😀".repeat(255)}...`);
    expect(Buffer.from(cut, "utf8").toString("utf8")).toBe(cut);
  });

  it("keeps every note within the limit as a valid prefix (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 1500 }),
        fc.integer({ min: 8, max: 2048 }),
        (note, max) => {
          const cut = truncateEventNote(note, max);
          expect(bytes(cut)).toBeLessThanOrEqual(max);
          if (cut === note) return;
          expect(cut.endsWith("...")).toBe(true);
          expect(note.startsWith(cut.slice(0, -3))).toBe(true);
          expect(Buffer.from(cut, "utf8").toString("utf8")).toBe(cut);
        },
      ),
    );
  });
});
