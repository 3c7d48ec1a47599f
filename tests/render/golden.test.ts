import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree } from "../helpers.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(REPO, "dist/cli/bin.js");
const GOLDEN = fileURLToPath(new URL("../fixtures/golden/", import.meta.url));
const EXPECTED = path.join(GOLDEN, "expected");

/** Builds the golden fixture into a fresh temp out dir and returns every file written, as bytes. */
async function buildGolden(extraArgs: readonly string[] = []): Promise<Record<string, string>> {
  const out = makeProject({});
  const run = await runCli(["build", "--no-cache", "--out", out, ...extraArgs], { cwd: GOLDEN });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  return snapshotTree(out);
}

describe("golden outputs", () => {
  it("writes the exact bytes of tests/fixtures/golden/expected", async () => {
    const built = await buildGolden();

    expect(Object.keys(built)).toEqual(["by-tag/all.txt", "handbook.txt", "llmsgen.lock.json"]);
    for (const [file, bytes] of Object.entries(built)) {
      expect(bytes, file).toBe(readFileSync(path.join(EXPECTED, file), "latin1"));
    }
  });

  it("records exact tiktoken counts of the written files in the manifest", () => {
    const lock = JSON.parse(readFileSync(path.join(EXPECTED, "llmsgen.lock.json"), "utf8")) as { outputs: Record<string, { tokens: number }> };
    const encoder = get_encoding("o200k_base");
    try {
      for (const [output, entry] of Object.entries(lock.outputs)) {
        expect(entry.tokens, output).toBe(encoder.encode_ordinary(readFileSync(path.join(EXPECTED, output), "utf8")).length);
      }
    } finally {
      encoder.free();
    }
  });

  it("does not depend on the order atom files were created in", async () => {
    const shuffled = makeProject({});
    const files = Object.keys(snapshotTree(path.join(GOLDEN, "atoms"))).reverse();
    // Reverse order, with the directories themselves created last-first too.
    for (const file of files) {
      mkdirSync(path.join(shuffled, path.dirname(file)), { recursive: true });
      copyFileSync(path.join(GOLDEN, "atoms", file), path.join(shuffled, file));
    }

    expect(await buildGolden(["--atoms", shuffled])).toEqual(snapshotTree(EXPECTED));
  });

  it("does not depend on the time zone or locale of the process", () => {
    const out = makeProject({});
    const env = { PATH: process.env.PATH ?? "", TZ: "Pacific/Kiritimati", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8" };
    const probe = spawnSync(process.execPath, ["-p", "const o = new Intl.DateTimeFormat().resolvedOptions(); o.locale + ' ' + o.timeZone"], {
      env,
      encoding: "utf8",
    });
    expect(probe.stdout).toBe("tr-TR Pacific/Kiritimati\n");

    const run = spawnSync(process.execPath, [BIN, "build", "--no-cache", "--out", out], { cwd: GOLDEN, env, encoding: "utf8" });

    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(snapshotTree(out)).toEqual(snapshotTree(EXPECTED));
  });
});

describe("the repository's own out/", () => {
  it("is exactly what its atoms and profiles build, manifest included", async () => {
    const out = makeProject({});

    const run = await runCli(["build", "--no-cache", "--out", out], { cwd: REPO });

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(snapshotTree(out)).toEqual(snapshotTree(path.join(REPO, "out")));
  });
});
