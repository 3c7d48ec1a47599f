import { createHash } from "node:crypto";

/** Texts longer than this are hashed (and written, write/write-atomic.ts) a chunk at a time. */
const CHUNK = 1 << 20;

/**
 * Hex sha256 of a text or bytes: the one hash behind manifests, cache keys and checksums.
 * A long text is fed to the hash in chunks, so its UTF-8 bytes are never all
 * in memory at once next to the text (an output of a large project is tens of MB).
 */
export function sha256(data: string | Uint8Array): string {
  const hash = createHash("sha256");
  if (typeof data === "string" && data.length > CHUNK) for (const chunk of textChunks(data)) hash.update(chunk);
  else hash.update(data);
  return hash.digest("hex");
}

/**
 * A text in consecutive slices of about `size` UTF-16 units, never cutting a
 * surrogate pair in two (each half alone would encode as U+FFFD): the UTF-8
 * of the slices, back to back, is the UTF-8 of the text.
 */
export function* textChunks(text: string, size = CHUNK): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - 1 > start && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}
