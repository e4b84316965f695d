// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "crds/", "deploy/", "coverage/"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // The product (what the operator image carries) never reaches the dev-only tools or their
    // dependencies; tsconfig.build.json compiles only what src/cli/payloadctl.ts imports, and
    // test/unit/cli/product-build.test.ts checks that graph. The dev-only commands are loaded by
    // src/cli/dev-only-commands.ts through a dynamic import.
    files: ["src/**/*.ts"],
    ignores: [
      "src/devcluster/**",
      "src/demo/**",
      "src/control-plane/**",
      "src/cli/dev-commands.ts",
      "src/cli/dev-command.ts",
      "src/cli/demo-command.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "ajv", message: "ajv is a dev-only dependency (the dev cluster's schema validation)." },
            {
              name: "fast-json-patch",
              message: "fast-json-patch is a dev-only dependency (the dev cluster).",
            },
          ],
          patterns: [
            {
              group: ["@bufbuild/cel", "@bufbuild/cel/*"],
              message: "@bufbuild/cel is a dev-only dependency (the dev cluster).",
            },
            {
              group: [
                "**/devcluster/**",
                "**/demo/**",
                "**/control-plane/**",
                "**/dev-commands.js",
                "**/dev-command.js",
                "**/demo-command.js",
              ],
              message:
                "Product code (the operator image) must not import the dev cluster, the demo or the control plane; dev-only commands are loaded by src/cli/dev-only-commands.ts.",
            },
          ],
        },
      ],
    },
  },
);
