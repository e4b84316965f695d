/**
 * Event notes as the API server measures them: `events.k8s.io/v1` refuses a `note` longer than
 * 1,024 bytes (Go's `len`, so UTF-8 bytes, not characters).
 */

/** Longest Event note the API server accepts, in UTF-8 bytes. */
export const EVENT_NOTE_MAX_BYTES = 1024;

const ELLIPSIS = "...";

/**
 * `note` cut to at most `maxBytes` UTF-8 bytes, ending in `...` when cut, never splitting a code
 * point (a lone surrogate counts as U+FFFD, 3 bytes, as the wire encoding writes it). Pure.
 */
export function truncateEventNote(note: string, maxBytes: number = EVENT_NOTE_MAX_BYTES): string {
  if (Buffer.byteLength(note, "utf8") <= maxBytes) return note;
  const budget = maxBytes - ELLIPSIS.length;
  let bytes = 0;
  let end = 0;
  for (const char of note) {
    const size = Buffer.byteLength(char, "utf8");
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return `${note.slice(0, end)}${ELLIPSIS}`;
}
