import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
// The compiled module: its worker script only exists in dist/ (npm test builds it first).
import { countMany } from "../../dist/pack/count-parallel.js";
import { literal } from "../../src/render/segments.js";

const encoder = get_encoding("o200k_base");
afterAll(() => encoder.free());
const count = (text: string) => encoder.encode_ordinary(text).length;

describe("countMany with worker threads", () => {
  it("gives every text its own exact count while a worker counts part of them", () => {
    // 40 distinct texts of ~200 KB: about twenty 256 KB batches to share out.
    const texts = Array.from({ length: 40 }, (_, i) => `Text ${i}: ${"policy labels guard the data flow. ".repeat(5_800 + i)}\n`);
    let countedHere = 0;
    const slowHere = (text: string) => {
      countedHere++;
      const until = Date.now() + 150; // the main thread is slow on purpose, so the worker gets batches
      while (Date.now() < until);
      return count(text);
    };

    const counts = countMany(texts.map((text) => [literal(text)]), "o200k_base", slowHere, { workers: 1 });

    expect(counts).toEqual(texts.map(count));
    expect(countedHere).toBeGreaterThan(0);
    expect(countedHere).toBeLessThan(texts.length);
  }, 60_000);

  it("returns nothing for nothing", () => {
    expect(countMany([], "o200k_base", count, { workers: 2 })).toEqual([]);
  });
});

describe("countMany when a worker thread fails", () => {
  // 16 texts of ~100 KB: several batches. The main thread is slow on purpose, so the worker is up and claims a batch.
  const texts = Array.from({ length: 16 }, (_, i) => `Text ${i}: ${"labels travel with the data they guard. ".repeat(2_500 + i)}\n`);
  const slow = (text: string) => {
    const until = Date.now() + 250;
    while (Date.now() < until);
    return count(text);
  };
  const worker = (name: string) => new URL(`../fixtures/workers/${name}.mjs`, import.meta.url);
  const run = (name: string) => {
    const warnings: string[] = [];
    const counts = countMany(texts.map((text) => [literal(text)]), "o200k_base", slow, { workers: 1, workerScript: worker(name), warn: (message) => warnings.push(message) });
    return { counts, warnings };
  };

  it("whose tokenizer cannot load: every text is counted on the main thread, exactly, and the failure is told", () => {
    const { counts, warnings } = run("no-tokenizer");

    expect(counts).toEqual(texts.map(count));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^a token-counting worker thread failed \(.+\): the main thread counted their texts instead, so every count is exact$/);
  }, 60_000);

  it("holding a batch it claimed: the main thread counts that batch too, to the same counts", () => {
    expect(run("fails-mid-batch")).toEqual({
      counts: texts.map(count),
      warnings: ["a token-counting worker thread failed (injected: this worker cannot decode its texts): the main thread counted their texts instead, so every count is exact"],
    });
  }, 60_000);

  it("dying outright with a batch: after 10 s without progress the main thread counts it, and says so", () => {
    expect(run("dies")).toEqual({
      counts: texts.map(count),
      warnings: ["a token-counting worker thread finished none of its texts for 10 s: the main thread counted their texts instead, so every count is exact"],
    });
  }, 60_000);
});
