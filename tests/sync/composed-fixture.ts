import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { builtCopy } from "../helpers.js";

/** The docs-tree fixture (tests/fixtures/docs-tree), without its expected outputs: a project of its own. */
export const TREE = fileURLToPath(new URL("../fixtures/docs-tree/", import.meta.url));
export const COMBINED = "public/llm/llms-full.txt";

/** A fresh copy of the docs-tree fixture, built (once per test file): every output and the manifest written. */
export async function builtTree(): Promise<string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      const relative = path.relative(TREE, full).split(path.sep).join("/");
      if (relative === "expected") continue;
      if (statSync(full).isDirectory()) walk(full);
      else files[relative] = readFileSync(full, "utf8");
    }
  };
  walk(TREE);
  const { project, build } = await builtCopy(files);
  expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
  return project;
}

/** The combined output's lines as the first build writes them, with the part each belongs to. */
export function combinedLines(project: string): string[] {
  return readFileSync(path.join(project, COMBINED), "utf8").split("\n");
}
