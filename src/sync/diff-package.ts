import { createRequire } from "node:module";

type DiffPackage = typeof import("diff");

const require = createRequire(import.meta.url);
let loaded: DiffPackage | undefined;

/** The diff package, loaded on first use: a build or check that has nothing to diff never loads it. */
export function diffPackage(): DiffPackage {
  if (!loaded) {
    const module: DiffPackage = require("diff");
    loaded = module;
  }
  return loaded;
}
