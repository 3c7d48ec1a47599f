import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeCache, encodeCache } from "../../src/cache/cache-file.js";

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const isCount = (value: unknown): value is number => typeof value === "number";
const expected = { kind: "llmsgen-tokens", stamp: "tiktoken 1.0.0 o200k_base", key: KEY, isEntry: isCount };
const text = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map([["a1", 3], ["b2", 14]]) }, KEY);

describe("cache files", () => {
  it("read back the entries they were written with, under the same key", () => {
    expect(decodeCache(text, expected)).toEqual({ entries: new Map([["a1", 3], ["b2", 14]]) });
  });

  it("are one signed header line, then the entries as one JSON object", () => {
    const [header, body] = text.split("\n");
    expect(body).toBe('{"a1":3,"b2":14}');
    expect(JSON.parse(header ?? "")).toEqual({ format: "llmsgen-tokens", stamp: "tiktoken 1.0.0 o200k_base", mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("refuse an entry edited by hand, even with the old checksum (a sha256 of the body) recomputed", () => {
    const [header = "", body = ""] = text.split("\n");
    const edited = body.replace(":14", ":1400");
    const forged = JSON.stringify({ ...JSON.parse(header), mac: createHash("sha256").update(edited).digest("hex") });
    expect(decodeCache(`${forged}\n${edited}`, expected)).toEqual({ problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" });
    expect(decodeCache(`${header}\n${edited}`, expected)).toEqual({ problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" });
  });

  it("refuse a file signed with another machine's key", () => {
    const elsewhere = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map([["a1", 3]]) }, OTHER_KEY);
    expect(decodeCache(elsewhere, expected)).toEqual({ problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" });
  });

  it("refuse a signature moved to another kind or stamp: both are signed with the body", () => {
    const header = JSON.parse(text.split("\n")[0] ?? "");
    const body = text.slice(text.indexOf("\n") + 1);
    const moved = `${JSON.stringify({ ...header, format: "llmsgen-plans" })}\n${body}`;
    expect(decodeCache(moved, { ...expected, kind: "llmsgen-plans" })).toEqual({ problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" });
  });

  it("tell a file made by another version (outdated, replaced quietly) from one of another kind or no cache at all", () => {
    expect(decodeCache(text, { ...expected, stamp: "tiktoken 2.0.0 o200k_base" })).toEqual({ outdated: "tiktoken 1.0.0 o200k_base" });
    expect(decodeCache(text, { ...expected, kind: "llmsgen-atoms" })).toEqual({ problem: "not an llmsgen cache of this kind" });
    expect(decodeCache("not json\n{}", expected)).toEqual({ problem: "corrupt cache (not the expected JSON)" });
    expect(decodeCache("", expected)).toEqual({ problem: "corrupt cache (not the expected JSON)" });
  });

  it("refuse a signed file whose entries have the wrong shape", () => {
    const strange = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map<string, unknown>([["a1", "three"]]) }, KEY);
    expect(decodeCache(strange, expected)).toEqual({ problem: "corrupt cache (bad entry a1…)" });
  });
});
