/**
 * HTML with every interpolated value escaped: `html\`<td>${name}</td>\`` escapes `name` unless it
 * is already {@link SafeHtml} (the result of another `html` template or of {@link joinHtml}). There
 * is no way to put an unescaped string into a page except {@link trustedHtml}, used only for the
 * operator's own constant assets.
 */

/** A fragment of HTML whose dynamic parts have been escaped. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** A value allowed in an `html` template: text (escaped), numbers, safe fragments, lists of them, or nothing. */
export type HtmlValue = string | number | SafeHtml | undefined | null | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join("");
  return escapeHtml(String(value));
}

/** The tagged template: literal parts as written, every value escaped (see the module documentation). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Joins fragments (each escaped unless safe) with an optional literal separator. */
export function joinHtml(parts: readonly HtmlValue[], separator = ""): SafeHtml {
  return new SafeHtml(parts.map(render).join(separator));
}

/** Marks a constant string of the operator's own (CSS, script) as HTML. Never pass data to it. */
export function trustedHtml(constant: string): SafeHtml {
  return new SafeHtml(constant);
}

/**
 * `url` when it is an absolute http(s) URL, else undefined: values from image labels become links
 * only when they cannot run script (`javascript:`) or point somewhere surprising.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
