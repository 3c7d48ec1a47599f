import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256, textChunks } from "../../src/hash.js";
import { writeTemp } from "../../src/write/write-atomic.js";

const MB = 1 << 20;
const whole = (text: string) => createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");

/** A text over a chunk long with a surrogate pair across every chunk boundary and a lone surrogate or two. */
function longText(): string {
  const pair = "\u{1F600}";
  let text = `${"a".repeat(MB - 1)}${pair}${"é".repeat(MB - 2)}${pair}x\uD800y\uDC00z`;
  text += `${"b".repeat(3 * MB - text.length - 1)}${pair}`;
  return text;
}

describe("hashing and writing long texts a chunk at a time", () => {
  it("cuts a text into slices that join back to it, never between the halves of a surrogate pair", () => {
    const text = longText();
    const chunks = [...textChunks(text)];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join("")).toBe(text);
    for (const chunk of chunks.slice(0, -1)) {
      const last = chunk.charCodeAt(chunk.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
    expect([...textChunks("\u{1F600}\u{1F600}", 1)]).toEqual(["\uD83D", "\uDE00", "\uD83D", "\uDE00"]);
    expect([...textChunks("")]).toEqual([]);
  });

  it("hashes a long text to the sha256 of its UTF-8 bytes, lone surrogates included", () => {
    const text = longText();
    expect(sha256(text)).toBe(whole(text));
    expect(sha256("\uD800")).toBe(whole("\uD800"));
  });

  it("writes a long text's exact UTF-8 bytes", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmsgen-hash-"));
    try {
      const text = longText();
      const temp = writeTemp({ file: path.join(dir, "out.txt"), data: text, guard: "own" });
      expect(readFileSync(temp).equals(Buffer.from(text, "utf8"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
