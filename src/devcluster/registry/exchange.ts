/** One request/response pair of the integrated registry, with what handlers need. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DistributionError } from "./distribution-error.js";
import type { RegistryStorage } from "./registry-storage.js";

/** An upload session: which repository it belongs to. */
export interface UploadSession {
  readonly name: string;
}

/** What a handler gets. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly storage: RegistryStorage;
  /** Open upload sessions by id (owned by the server instance). */
  readonly sessions: Map<string, UploadSession>;
  /** `http://host:port` as the client addressed us, for absolute `Location` headers. */
  readonly base: string;
}

/** Reads a request body whole (manifests only), failing with SIZE_INVALID beyond `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    length += part.length;
    if (length > maxBytes) throw new DistributionError("SIZE_INVALID", `body larger than ${maxBytes} bytes`);
    parts.push(part);
  }
  return Buffer.concat(parts);
}
