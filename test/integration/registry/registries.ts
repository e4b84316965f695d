/** The two registries every registry-client test runs against: Debian's docker-registry and ours. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer } from "../../../src/devcluster/registry/registry-server.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import type { ImageStore, RegistryOptions } from "../../../src/registry/image-store.js";
import { startDockerRegistry } from "../../support/docker-registry.js";
import { hasTools, isCi, missingToolsMessage } from "../../support/required-tool.js";

/** A started registry. */
export interface TestRegistry {
  readonly host: string;
  stop(): Promise<void>;
}

/** A kind of registry to test against. */
export interface RegistryBackend {
  readonly name: string;
  readonly available: boolean;
  start(): Promise<TestRegistry>;
}

/** Whether the docker-registry backend's tests run (see {@link registryBackends}). */
function dockerRegistryRuns(): boolean {
  if (hasTools(["docker-registry"]) || isCi()) return true;
  console.warn(`docker-registry tests skipped: ${missingToolsMessage(["docker-registry"])}`);
  return false;
}

/**
 * Both backends. docker-registry is unavailable (its tests skipped, the install command printed) when
 * the package is not installed, except under CI, where its tests run and fail naming the install
 * command (`test/support/required-tool.ts`).
 */
export async function registryBackends(): Promise<RegistryBackend[]> {
  return [
    { name: "docker-registry", available: dockerRegistryRuns(), start: () => startDockerRegistry() },
    {
      name: "integrated registry",
      available: true,
      start: async () => {
        const dir = await mkdtemp(join(tmpdir(), "integrated-registry-"));
        const server = await startRegistryServer({ dir });
        return {
          host: server.host,
          stop: async () => {
            await server.stop();
            await rm(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
}

/** Opens `repo` on an insecure (plain HTTP) test registry, with no real sleeping between retries. */
export function openTestStore(host: string, repo: string, options: RegistryOptions = {}): ImageStore {
  return openImageStore(`docker://${host}/${repo}`, {
    insecureRegistries: [host],
    sleep: async () => undefined,
    ...options,
  });
}
