#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { main } from "./main.js";

// V8 lets the heap grow to up to four times what the last full collection kept
// before it collects again: a 50,000-atom build kept 300 MB and grew to 850 MB
// of mostly garbage. A build is one batch of large, short-lived texts, so its
// heap may grow by half of what it keeps (peak RSS 1.15 GB -> ~0.8 GB at 50,000
// atoms, for a few more collections). Only for build: checking one huge broken
// file keeps most of what it makes, and there the extra collections doubled
// the time (sync-check --file of 50 MB of duplicate blocks: 8 s -> 16 s).
if (process.argv[2] === "build") setFlagsFromString("--heap-growing-percent=50");

// A reader that stops early (`llmsgen sync-check | head -1`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
