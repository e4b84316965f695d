import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url);
const clientNodeDist = join(
  dirname(createRequire(import.meta.url).resolve("@kubernetes/client-node/package.json")),
  "dist",
);

/** The names `from` imports from `specifier` (static named imports), sorted. */
function namedImports(source: string, specifier: string): string[] {
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${escaped}['"]`).exec(source);
  if (match?.[1] === undefined) return [];
  return match[1]
    .split(",")
    .map((n) => n.trim().replace(/^type\s+/, ""))
    .filter((n) => n !== "")
    .sort();
}

it("the slim barrel exports exactly what the installed client-node's config.js imports from gen/index.js", async () => {
  const config = await readFile(join(clientNodeDist, "config.js"), "utf8");
  const slim = await readFile(new URL("src/kube/client-node-gen-slim.ts", root), "utf8");
  const wanted = namedImports(config, "./gen/index.js");
  expect(wanted).toEqual(["ServerConfiguration", "createConfiguration"]);
  const exported = [...slim.matchAll(/export\s*\{\s*(\w+)\s*\}/g)].map((m) => m[1]).sort();
  expect(exported).toEqual(wanted);
  // No other import of config.js loads the generated models or API classes.
  expect(config).not.toMatch(/from\s*['"]\.\/gen\/(models|apis|types)\//);
});

it("with the hook, KubeConfig loads and authenticates without loading the generated API", async () => {
  // A child process: the hook changes module resolution for the whole process. It records what is
  // loaded, then uses KubeConfig as the operator does (load a kubeconfig, authenticate a request).
  const script = `
    import { registerHooks } from "node:module";
    const { registerSlimClientNode } = await import(${JSON.stringify(new URL("src/kube/slim-client-node.ts", root).href)});
    registerSlimClientNode();
    const loaded = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
    const { KubeConfig } = await import("@kubernetes/client-node/dist/config.js");
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: "https://127.0.0.1:6443", skipTLSVerify: true }],
      users: [{ name: "u", token: "t0ken" }],
      contexts: [{ name: "ctx", cluster: "c", user: "u" }],
      currentContext: "ctx",
    });
    const options = { headers: {} };
    await kc.applyToHTTPSOptions(options);
    console.log(JSON.stringify({
      authorization: options.headers.Authorization,
      server: kc.getCurrentCluster()?.server,
      generated: loaded.filter((u) => /client-node\\/dist\\/gen\\/(index|models|apis|types)/.test(u)),
      slim: loaded.filter((u) => u.includes("client-node-gen-slim")).length,
    }));
  `;
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
  });
  expect(JSON.parse(stdout.trim())).toEqual({
    authorization: "Bearer t0ken",
    server: "https://127.0.0.1:6443",
    generated: [],
    slim: 1,
  });
});
