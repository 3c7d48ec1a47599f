#!/usr/bin/env node
// The llmsgen command. A published package ships its compiled code in dist/.
// A clone of the repository has only the TypeScript sources until it is
// built, so here, and only here (where src/ and tsconfig.build.json sit beside
// dist/), the sources are compiled first whenever dist/ is missing or older
// than them: `npm install && npx llmsgen ...` works in a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, "dist", "cli", "bin.js");
const tsconfig = path.join(root, "tsconfig.build.json");

if (existsSync(tsconfig) && existsSync(path.join(root, "src")) && outdated()) compile();
await import(pathToFileURL(entry).href);

/** True when dist/ is missing, or any source is newer than the compiled entry point. */
function outdated() {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((item) => {
      const full = path.join(dir, item.name);
      return item.isDirectory() ? newer(full) : item.name.endsWith(".ts") && statSync(full).mtimeMs > built;
    });
  return newer(path.join(root, "src"));
}

function compile() {
  let tsc;
  try {
    tsc = createRequire(path.join(root, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    process.stderr.write("llmsgen: dist/ is not built and TypeScript is not installed: run npm install in the llmsgen repository, then try again\n");
    process.exit(2);
  }
  process.stderr.write("llmsgen: compiling the TypeScript sources into dist/ (missing or older than src/)\n");
  // tsc's own messages go to stderr: stdout stays the command's, for --format json and --stdout.
  const run = spawnSync(process.execPath, [tsc, "-p", tsconfig], { cwd: root, stdio: ["ignore", 2, 2] });
  if (run.status !== 0 && !existsSync(entry)) {
    process.stderr.write("llmsgen: compiling failed; see the messages above\n");
    process.exit(3);
  }
}
