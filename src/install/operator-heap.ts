/**
 * The operator process's V8 heap sizing and malloc arenas, as its image sets them (`ENV
 * NODE_OPTIONS` and `MALLOC_ARENA_MAX` in the Dockerfile, checked against this file by
 * `test/unit/install/operator-heap.test.ts`), and the container memory they imply for the Deployment
 * (`manager-manifests.ts`).
 *
 * Why: with Node's defaults V8 lets the heap grow to 250+ MiB committed between full collections
 * while watch events (an ImageStream of 1,000 tags re-sent whole on every landing, the PayloadBuild
 * on every status write) turn into garbage, though the live heap stays small; the operator's peak
 * RSS was 488 MiB for one PayloadBuild of 1,000 components. Capped, V8 collects sooner and the
 * peak stays under 200 MiB. The cap must stay well above the live heap (measured with
 * `--trace-gc`, after a full collection: about 21 MiB at idle, 35 MiB during one PayloadBuild of
 * 1,000 components, 45 MiB during 20 PayloadBuilds of 100 at once), or the process dies with
 * "JavaScript heap out of memory" (a restart resumes, but a heap that never fits keeps failing).
 * docs/benchmarks.md ("Cost under load", "Memory") has the figures and commands.
 */

/** Old generation limit, MiB (`--max-old-space-size`): several times the largest measured live heap. */
export const OPERATOR_MAX_OLD_SPACE_MIB = 128;
/**
 * Semi-space size, MiB (`--max-semi-space-size`): the young generation is three of these. Node 24's
 * default with a large heap is 64 MiB (a young generation of 192 MiB of short-lived event garbage
 * between scavenges); what V8 derives without flags also depends on the memory it sees (the
 * container's limit), so both sizes are set explicitly.
 */
export const OPERATOR_MAX_SEMI_SPACE_MIB = 4;

/** `NODE_OPTIONS` of the operator image. */
export const OPERATOR_NODE_OPTIONS = `--max-old-space-size=${OPERATOR_MAX_OLD_SPACE_MIB} --max-semi-space-size=${OPERATOR_MAX_SEMI_SPACE_MIB}`;

/**
 * glibc malloc arenas of the operator process (`MALLOC_ARENA_MAX` in the image's environment). By
 * default glibc gives each thread that allocates concurrently an arena of its own, up to 8 per core
 * (Node's libuv pool, V8's GC and compiler threads); each keeps freed memory resident. Measured on
 * dev 20x200 near its peak (`/proc/PID/smaps`): the arenas' mappings held 35 MiB with the default and
 * 14 MiB with 2 (the main heap 13 -> 17 MiB), about 16 MiB less in all.
 */
export const OPERATOR_MALLOC_ARENA_MAX = 2;

/** The most the V8 heap can hold, MiB: the old generation and the young generation (3 semi-spaces). */
export const OPERATOR_HEAP_LIMIT_MIB = OPERATOR_MAX_OLD_SPACE_MIB + 3 * OPERATOR_MAX_SEMI_SPACE_MIB;
