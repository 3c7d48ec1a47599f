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

    const counts = countMany(texts.map((text) => [literal(text)]), "o200k_base", slowHere, 1);

    expect(counts).toEqual(texts.map(count));
    expect(countedHere).toBeGreaterThan(0);
    expect(countedHere).toBeLessThan(texts.length);
  }, 60_000);

  it("returns nothing for nothing", () => {
    expect(countMany([], "o200k_base", count, 2)).toEqual([]);
  });
});
