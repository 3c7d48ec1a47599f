import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { encodeCache } from "../../src/cache/cache-file.js";
import { cacheKeyFile } from "../../src/cache/cache-key.js";
import { makeProject, runCli, writeFiles } from "../helpers.js";
import { atomsAt, copyOf, nextVersion, outTree, PROFILES } from "./tidepools.js";

const CACHES = ["atoms.json", "plans.json", "tokens-o200k_base.json"] as const;

/** A copy of a project built at version 2, its cache holding the parsed atoms, plans and counts of versions 1 to 3 (made by this code, in-process). */
async function cachedProject(): Promise<string> {
  if (built === undefined || !existsSync(built)) {
    built = mkdtempSync(path.join(tmpdir(), "llmsgen-test-"));
    writeFiles(built, PROFILES);
    for (const version of [3, 1, 2]) {
      nextVersion(built, version);
      expect((await runCli(["build", "--force"], { cwd: built })).code).toBe(0);
    }
  }
  return copyOf(built);
}

let built: string | undefined;
afterAll(() => {
  if (built !== undefined) rmSync(built, { recursive: true, force: true });
});

/** What building version 3 prints and writes, counted from scratch. */
async function truth(project: string): Promise<{ stdout: string; out: Record<string, string> }> {
  const copy = copyOf(project);
  nextVersion(copy, 3);
  const run = await runCli(["build", "--json", "--no-cache"], { cwd: copy });
  expect(run.code).toBe(0);
  return { stdout: run.stdout, out: outTree(copy) };
}

/** A cache file's header and entries, read as a person with a text editor would: no key needed. */
function readCache(text: string): { header: Record<string, string>; entries: Record<string, Json> } {
  const [header = "", index = "", ...lines] = text.split("\n");
  const { keys } = JSON.parse(index) as { keys: string[] };
  return { header: JSON.parse(header) as Record<string, string>, entries: Object.fromEntries(keys.map((key, at) => [key, JSON.parse(lines[at] ?? "") as Json])) };
}

/** A cache file's body (index and entries) laid out as llmsgen lays it out. */
function cacheBody(entries: Record<string, Json>): string {
  const lines = Object.values(entries).map((entry) => JSON.stringify(entry));
  return `${JSON.stringify({ keys: Object.keys(entries), sizes: lines.map((line) => Buffer.byteLength(line)) })}\n${lines.map((line) => `${line}\n`).join("")}`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Changes one leaf of `value`, chosen by `pick`: a number moves, a string changes, a boolean flips. */
function mutate(value: Json, pick: () => number): Json {
  if (typeof value === "number") return value + 1 + Math.floor(pick() * 50);
  if (typeof value === "string") return /^[fbd]+$/.test(value) ? value.replace(/./, (c) => (c === "f" ? "d" : "f")) : `${value}x`;
  if (typeof value === "boolean") return !value;
  if (value === null) return 0;
  if (Array.isArray(value)) {
    if (value.length === 0) return [1];
    const at = Math.floor(pick() * value.length);
    return value.map((item, index) => (index === at ? mutate(item, pick) : item));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { x: 1 };
  const key = keys[Math.floor(pick() * keys.length)] ?? "";
  return { ...value, [key]: mutate(value[key] ?? null, pick) };
}

describe("a tampered cache cannot change a result", () => {
  it("30 random tamperings of entries, re-signed as well as one can without the key: output bytes and counts are those of --no-cache", async () => {
    const base = await cachedProject();
    const expected = await truth(base);
    const texts = Object.fromEntries(CACHES.map((name) => [name, readFileSync(path.join(base, ".llmsgen-cache", name), "utf8")]));

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CACHES),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom("checksum", "kept", "borrowed", "dropped"),
        fc.infiniteStream(fc.double({ min: 0, max: 0.999, noNaN: true })),
        async (name, edits, signing, numbers) => {
          const project = copyOf(base);
          const numberAt = numbers[Symbol.iterator]();
          const pick = () => numberAt.next().value ?? 0;
          const text = texts[name] ?? "";
          const { header, entries } = readCache(text);
          let body: Json = entries;
          for (let edit = 0; edit < edits; edit++) body = mutate(body, pick);
          const edited = cacheBody(body !== null && typeof body === "object" && !Array.isArray(body) ? body : {});
          const other = texts[CACHES.find((cache) => cache !== name) ?? "atoms.json"] ?? "";
          const mac = {
            checksum: createHash("sha256").update(edited).digest("hex"),
            kept: header.mac,
            borrowed: JSON.parse(other.slice(0, other.indexOf("\n"))).mac,
            dropped: undefined,
          }[signing];
          writeFileSync(path.join(project, ".llmsgen-cache", name), `${JSON.stringify({ ...header, mac })}\n${edited}`);
          nextVersion(project, 3);

          const run = await runCli(["build", "--json"], { cwd: project });

          expect(run.code).toBe(0);
          expect(run.stdout).toBe(expected.stdout);
          expect(outTree(project)).toEqual(expected.out);
          expect(run.stderr).toMatch(/^(llmsgen: warning: .*; ignoring it \(it is rebuilt as you build; deleting it is always safe\)\n)+$/);
        },
      ),
      { numRuns: 30, seed: 20261202 },
    );
  });

  it("caches copied from another project on this machine change nothing: every entry is keyed by what it was made from", async () => {
    const base = await cachedProject();
    const expected = await truth(base);
    const other = makeProject({ ...PROFILES, ...atomsAt(3) });
    // Another project: the same atoms under other profiles, built with this machine's key.
    writeFileSync(path.join(other, "profiles/guide.yaml"), PROFILES["profiles/guide.yaml"].replace("budget: 400", "budget: 150"));
    expect((await runCli(["build"], { cwd: other })).code).toBe(0);
    const project = copyOf(base);
    for (const name of CACHES) writeFileSync(path.join(project, ".llmsgen-cache", name), readFileSync(path.join(other, ".llmsgen-cache", name)));
    nextVersion(project, 3);

    const run = await runCli(["build", "--json"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ code: 0, stderr: "", stdout: expected.stdout });
    expect(outTree(project)).toEqual(expected.out);
  });

  it("the signature is what stands in the way: the same edit signed with this machine's key is believed", async () => {
    const base = await cachedProject();
    const expected = await truth(base);
    const project = copyOf(base);
    const file = path.join(project, ".llmsgen-cache/plans.json");
    const text = readFileSync(file, "utf8");
    const { header, entries } = readCache(text);
    const plans = entries as Record<string, { tokens: number }>;
    for (const plan of Object.values(plans)) plan.tokens += 1000;
    const key = Buffer.from(readFileSync(cacheKeyFile(), "utf8").trim(), "hex");
    writeFileSync(file, encodeCache({ kind: header.format ?? "", stamp: header.stamp ?? "", entries: new Map(Object.entries(plans)) }, key));
    nextVersion(project, 3);

    const run = await runCli(["build", "--json"], { cwd: project });

    expect(run.stdout).not.toBe(expected.stdout);
  });
});
