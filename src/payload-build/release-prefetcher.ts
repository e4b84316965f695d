/**
 * Reading a release's component images while the payload is still building. A PayloadBuild with a
 * `spec.release` assembles it once every component has landed; until then, each component that has
 * landed is read here (its config, and for an operator the `manifests/` of its top layer: what
 * `assembleRelease` reads) into the content cache the release assembler shares, a few images at a
 * time, in the background. When the last component lands, the assembly finds every other component
 * in the cache and reads only the manifests (and the last ones): the warm assembly of
 * docs/benchmarks.md "Release assembly" instead of the cold one, even for the first release after
 * the operator started. A failed read is forgotten (the assembly reads it again and reports it);
 * nothing here changes what is assembled, only where the bytes come from.
 */
import type { Logger } from "pino";
import pLimit from "p-limit";
import { withContentCache } from "../registry/caching-store.js";
import type { ContentCache } from "../registry/content-cache.js";
import { inspectComponents } from "../release-image/inspect-components.js";
import { openSourceStores, type ReleaseAssemblerOptions } from "./release-assembler.js";

/** A landed component image: its tag and pullspec pinned by digest. */
export interface LandedImage {
  readonly tag: string;
  readonly pullspec: string;
}

/**
 * Reads the `images` of a release of `namespace` that it has not read (or is not reading) yet. Meant
 * to run in the background (the controller does not await it); the promise resolves when the reads
 * this call started have finished and never rejects: a read that fails is logged at debug level and
 * tried again when the image is asked for again.
 */
export type ReleasePrefetcher = (images: readonly LandedImage[], namespace: string) => Promise<void>;

/** What {@link createReleasePrefetcher} needs: the assembler's options and the cache it reads from. */
export interface ReleasePrefetcherOptions extends Pick<
  ReleaseAssemblerOptions,
  "registryOptions" | "integratedRegistry"
> {
  readonly contentCache: ContentCache;
  readonly log: Logger;
  /** Images read at once, across every PayloadBuild (default {@link PREFETCH_CONCURRENCY}). */
  readonly concurrency?: number;
}

/** Images read at once by the prefetcher: a background trickle, well under an assembly's 32. */
export const PREFETCH_CONCURRENCY = 4;

/** Pullspecs remembered as read; past this the memory starts again (the cache still holds the bytes). */
const REMEMBERED_PULLSPECS = 20_000;

/** See the module documentation. */
export function createReleasePrefetcher(options: ReleasePrefetcherOptions): ReleasePrefetcher {
  const limit = pLimit(options.concurrency ?? PREFETCH_CONCURRENCY);
  const started = new Set<string>();
  return async (images, namespace) => {
    const fresh = images.filter((image) => !started.has(image.pullspec));
    if (fresh.length === 0) return;
    if (started.size + fresh.length > REMEMBERED_PULLSPECS) started.clear();
    for (const image of fresh) started.add(image.pullspec);
    const log = options.log.child({ namespace });
    try {
      const { sources } = await openSourceStores(options, namespace);
      const open = (reference: string) => withContentCache(sources.open(reference), options.contentCache);
      await Promise.all(
        fresh.map((image) =>
          limit(async () => {
            try {
              await inspectComponents([image], open, 1);
            } catch (error) {
              started.delete(image.pullspec);
              log.debug({ err: error, component: image.tag }, "reading a landed component ahead failed");
            }
          }),
        ),
      );
    } catch (error) {
      for (const image of fresh) started.delete(image.pullspec);
      log.debug({ err: error }, "reading landed components ahead failed");
    }
  };
}
