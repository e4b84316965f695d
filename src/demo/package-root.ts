/** The package root, for the demo and the dev tools; it lives with the CLI, which the product image carries. */
export { packageRoot } from "../cli/package-root.js";
