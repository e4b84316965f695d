/** `WWW-Authenticate` challenges, parsed (RFC 7235) into what a registry client needs. */

/** One challenge: its scheme (lowercase) and its parameters (keys lowercase). */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` header value, which may hold several challenges:
 * `Bearer realm="https://auth/token",service="registry",scope="repository:a/b:pull", Basic realm="x"`.
 */
export function parseAuthChallenges(header: string): AuthChallenge[] {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  const re =
    /\s*,?\s*(?:([A-Za-z][\w!#$%&'*+.^`|~-]*)=("((?:[^"\\]|\\.)*)"|[^\s,]*)|([A-Za-z][\w!#$%&'*+.^`|~-]*))/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(header)) !== null && match[0] !== "") {
    const [, key, rawValue, quoted, scheme] = match;
    if (scheme !== undefined) {
      out.push({ scheme: scheme.toLowerCase(), params: {} });
    } else if (key !== undefined && out.length > 0) {
      const value = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (rawValue ?? "");
      const current = out[out.length - 1];
      if (current) current.params[key.toLowerCase()] = value;
    }
  }
  return out;
}
