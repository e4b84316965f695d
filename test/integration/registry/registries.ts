/** The two registries every registry-client test runs against: Debian's docker-registry and ours. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer } from "../../../src/devcluster/registry/registry-server.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import type { ImageStore, RegistryOptions } from "../../../src/registry/image-store.js";
import { hasDockerRegistry, startDockerRegistry } from "../../support/docker-registry.js";

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

/** Both backends; docker-registry is marked unavailable when the package is not installed. */
export async function registryBackends(): Promise<RegistryBackend[]> {
  return [
    { name: "docker-registry", available: await hasDockerRegistry(), start: () => startDockerRegistry() },
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
