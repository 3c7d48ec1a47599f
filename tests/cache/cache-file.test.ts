import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CACHE_LAYOUT, type CacheEntries, decodeCache, encodeCache, SavedEntry } from "../../src/cache/cache-file.js";
import { KeyedCache } from "../../src/cache/keyed-cache.js";

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const isCount = (value: unknown): value is number => typeof value === "number";
const expected = { kind: "llmsgen-tokens", stamp: "tiktoken 1.0.0 o200k_base", key: KEY, isEntry: isCount };
const bytes = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map([["a1", 3], ["b2", 14]]) }, KEY);
const text = bytes.toString("utf8");
const SIGNATURE = { problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" };

/** The entries a decoded file holds, every one decoded. */
function entriesOf<T>(decoded: ReturnType<typeof decodeCache<T>>): Map<string, T | undefined> | typeof decoded {
  if (!("entries" in decoded)) return decoded;
  return new Map([...decoded.entries.keys()].map((key) => [key, decoded.entries.get(key)]));
}

/** Signs `body` (everything after the header line) as llmsgen does, with the test key: a file only this code could have made. */
function signed(body: string): Buffer {
  const mac = createHmac("sha256", KEY).update(`${expected.kind}\n${CACHE_LAYOUT}\n${expected.stamp}\n`).update(body).digest("hex");
  return Buffer.from(`${JSON.stringify({ format: expected.kind, layout: CACHE_LAYOUT, stamp: expected.stamp, mac })}\n${body}`);
}

const bodyOf = (file: string) => file.slice(file.indexOf("\n") + 1);

describe("cache files", () => {
  it("read back the entries they were written with, under the same key", () => {
    expect(entriesOf(decodeCache(bytes, expected))).toEqual(new Map([["a1", 3], ["b2", 14]]));
  });

  it("are one signed header line, one index line (keys and sizes in bytes), then each entry's JSON on its own line", () => {
    expect(text.split("\n")).toEqual([
      JSON.stringify({ format: "llmsgen-tokens", layout: 2, stamp: "tiktoken 1.0.0 o200k_base", mac: JSON.parse(text.split("\n")[0] ?? "").mac }),
      '{"keys":["a1","b2"],"sizes":[1,2]}',
      "3",
      "14",
      "",
    ]);
    expect(JSON.parse(text.split("\n")[0] ?? "").mac).toMatch(/^[0-9a-f]{64}$/);
  });

  it("decode an entry only when it is asked for, and write an entry never decoded back byte for byte", () => {
    const seen: unknown[] = [];
    const watching = { ...expected, isEntry: (value: unknown): value is number => (seen.push(value), true) };
    const decoded = decodeCache(bytes, watching);
    if (!("entries" in decoded)) throw new Error("not decoded");
    expect(seen).toEqual([]);
    expect(decoded.entries.get("b2")).toBe(14);
    expect(decoded.entries.get("b2")).toBe(14);
    expect(seen).toEqual([14]);
    const again = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: [["a1", decoded.entries.saved("a1")], ["b2", 14]] }, KEY);
    expect(again.equals(bytes)).toBe(true);
    expect(decoded.entries.saved("a1")).toEqual(new SavedEntry(Buffer.from("3")));
  });

  it("keep strings outside ASCII exact: sizes count bytes", () => {
    const entries = new Map([["é", "naïve ☃ 𝄞"], ["z", "after"]]);
    const decoded = decodeCache(encodeCache({ kind: expected.kind, stamp: expected.stamp, entries }, KEY), { ...expected, isEntry: (value): value is string => typeof value === "string" });
    expect(entriesOf(decoded)).toEqual(entries);
  });

  it("refuse an entry edited by hand, even with the old checksum (a sha256 of the body) recomputed", () => {
    const header = text.slice(0, text.indexOf("\n"));
    const edited = bodyOf(text).replace("\n14\n", "\n99\n");
    const forged = JSON.stringify({ ...JSON.parse(header), mac: createHash("sha256").update(edited).digest("hex") });
    expect(decodeCache(Buffer.from(`${forged}\n${edited}`), expected)).toEqual(SIGNATURE);
    expect(decodeCache(Buffer.from(`${header}\n${edited}`), expected)).toEqual(SIGNATURE);
  });

  it("refuse a truncated file", () => {
    expect(decodeCache(bytes.subarray(0, bytes.length - 3), expected)).toEqual(SIGNATURE);
    expect(decodeCache(bytes.subarray(0, text.indexOf("\n")), expected)).toEqual(SIGNATURE);
  });

  it("refuse a signed file whose index does not fit its entries", () => {
    const corrupt = { problem: "corrupt cache (its index does not fit its entries)" };
    expect(entriesOf(decodeCache(signed(bodyOf(text)), expected))).toEqual(new Map([["a1", 3], ["b2", 14]]));
    expect(decodeCache(signed('{"keys":["a1","b2"],"sizes":[1,3]}\n3\n14\n'), expected)).toEqual(corrupt);
    expect(decodeCache(signed('{"keys":["a1","b2"],"sizes":[1]}\n3\n14\n'), expected)).toEqual(corrupt);
    expect(decodeCache(signed('{"keys":["a1",2],"sizes":[1,2]}\n3\n14\n'), expected)).toEqual(corrupt);
    expect(decodeCache(signed('{"keys":["a1","b2"],"sizes":[1,2]}\n3\n14'), expected)).toEqual(corrupt);
    expect(decodeCache(signed("not json\n3\n14\n"), expected)).toEqual(corrupt);
    expect(decodeCache(signed('{"keys":[],"sizes":[]}'), expected)).toEqual(corrupt);
  });

  it("refuse a file signed with another machine's key", () => {
    const elsewhere = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map([["a1", 3]]) }, OTHER_KEY);
    expect(decodeCache(elsewhere, expected)).toEqual(SIGNATURE);
  });

  it("refuse a signature moved to another kind or stamp: both are signed with the body", () => {
    const header = JSON.parse(text.split("\n")[0] ?? "");
    const moved = `${JSON.stringify({ ...header, format: "llmsgen-plans" })}\n${bodyOf(text)}`;
    expect(decodeCache(Buffer.from(moved), { ...expected, kind: "llmsgen-plans" })).toEqual(SIGNATURE);
  });

  it("tell a file made by another version (outdated, replaced quietly) from one of another kind or no cache at all", () => {
    expect(decodeCache(bytes, { ...expected, stamp: "tiktoken 2.0.0 o200k_base" })).toEqual({ outdated: "tiktoken 1.0.0 o200k_base" });
    expect(decodeCache(bytes, { ...expected, kind: "llmsgen-atoms" })).toEqual({ problem: "not an llmsgen cache of this kind" });
    expect(decodeCache(Buffer.from("not json\n{}"), expected)).toEqual({ problem: "corrupt cache (not the expected JSON)" });
    expect(decodeCache(Buffer.alloc(0), expected)).toEqual({ problem: "corrupt cache (not the expected JSON)" });
  });

  it("take a file of the earlier layout (one JSON object of entries, no layout number) for one made by another version", () => {
    const earlier = `${JSON.stringify({ format: expected.kind, stamp: expected.stamp, mac: "0".repeat(64) })}\n{"a1":3}`;
    expect(decodeCache(Buffer.from(earlier), expected)).toEqual({ outdated: "cache layout 1" });
  });

  it("never return a signed entry of the wrong shape: it is as good as absent", () => {
    const strange = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map<string, unknown>([["a1", "three"], ["b2", 2]]) }, KEY);
    const decoded = decodeCache(strange, expected);
    const entries: CacheEntries<number> | undefined = "entries" in decoded ? decoded.entries : undefined;
    expect(entries?.get("a1")).toBeUndefined();
    expect(entries?.get("b2")).toBe(2);
  });
});

describe("saving a cache opened from a file", () => {
  it("writes the entries a run never used back as they were read, without decoding them: the same bytes as decoding all", () => {
    const saved = new Map(Array.from({ length: 50 }, (_, index) => [`k${index}`, index * 7]));
    const file = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: saved }, KEY);
    const seen: unknown[] = [];
    const decoded = decodeCache(file, { ...expected, isEntry: (value: unknown): value is number => (seen.push(value), typeof value === "number") });
    if (!("entries" in decoded)) throw new Error("not decoded");
    const cache = new KeyedCache(decoded.entries, { limit: 1_000 });

    expect(cache.get("k3")).toBe(21);
    cache.set("new", 1);
    const kept = cache.toSave();

    expect(seen).toEqual([21]);
    expect([...kept.keys()]).toEqual(["k3", "new", ...[...saved.keys()].filter((key) => key !== "k3")]);
    expect(kept.get("k4")).toBeInstanceOf(SavedEntry);
    const again = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: kept }, KEY);
    const plain = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map([["k3", 21], ["new", 1], ...[...saved].filter(([key]) => key !== "k3")]) }, KEY);
    expect(again.equals(plain)).toBe(true);
    expect(cache.entries()).toEqual(new Map([["k3", 21], ["new", 1], ...[...saved].filter(([key]) => key !== "k3")]));
  });

  it("writes an entry a run read and did not replace as the bytes it was read as, and a replaced one as its new value", () => {
    const saved = new Map([["atom", { id: "a", lines: [1, 2] }], ["other", { id: "b", lines: [3] }]]);
    const file = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: saved }, KEY);
    const isEntry = (value: unknown): value is { id: string; lines: number[] } => typeof value === "object" && value !== null;
    const decoded = decodeCache(file, { ...expected, isEntry });
    if (!("entries" in decoded)) throw new Error("not decoded");
    const cache = new KeyedCache(decoded.entries, { keepUnused: false });

    expect(cache.get("atom")).toEqual({ id: "a", lines: [1, 2] });
    cache.set("other", { id: "b", lines: [4] });
    const kept = cache.toSave();

    expect(kept.get("atom")).toEqual(new SavedEntry(Buffer.from('{"id":"a","lines":[1,2]}')));
    expect(kept.get("other")).toEqual({ id: "b", lines: [4] });
    const again = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: kept }, KEY);
    const plain = encodeCache({ kind: expected.kind, stamp: expected.stamp, entries: new Map([["atom", { id: "a", lines: [1, 2] }], ["other", { id: "b", lines: [4] }]]) }, KEY);
    expect(again.equals(plain)).toBe(true);
  });
});
