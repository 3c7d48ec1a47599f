import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The one format of llmsgen's cache files: a JSON header line, then one JSON
 * object of entries.
 *
 *   {"format":"llmsgen-tokens","stamp":"tiktoken 1.0.22 o200k_base","mac":"<hex>"}
 *   {"<key>":<entry>,...}
 *
 * `stamp` names everything the entries were derived with (code and tokenizer,
 * see stamps.ts): another stamp means other rules made them. `mac` is an
 * HMAC-SHA256 of kind, stamp and body under a secret key kept outside the
 * project (cache-key.ts): a file edited by hand, copied from another machine
 * or restored from a shared CI cache does not verify, so it is ignored rather
 * than trusted. A plain checksum would not do: whoever edits the body can
 * recompute it.
 */
export interface CacheFile<T> {
  kind: string;
  stamp: string;
  entries: ReadonlyMap<string, T>;
}

/**
 * The entries; or `outdated` when the file was made with another stamp (by
 * another version: expected after an upgrade, replaced without a word); or a
 * `problem` worth a warning.
 */
export type DecodedCache<T> = { entries: Map<string, T> } | { outdated: string } | { problem: string };

/** The file's text for `cache`, signed with `key`. */
export function encodeCache<T>(cache: CacheFile<T>, key: Uint8Array): string {
  const body = JSON.stringify(Object.fromEntries(cache.entries));
  const header = { format: cache.kind, stamp: cache.stamp, mac: mac(key, cache.kind, cache.stamp, body) };
  return `${JSON.stringify(header)}\n${body}`;
}

/**
 * Reads a cache file's text back into entries, or says why it cannot be used:
 * another stamp, another kind, a signature that does not verify under `key`,
 * or entries of the wrong shape. Never throws.
 */
export function decodeCache<T>(text: string, expected: { kind: string; stamp: string; key: Uint8Array; isEntry: (value: unknown) => value is T }): DecodedCache<T> {
  const newline = text.indexOf("\n");
  const header = parseJson(newline === -1 ? text : text.slice(0, newline));
  if (!isRecord(header)) return { problem: "corrupt cache (not the expected JSON)" };
  if (header.format !== expected.kind) return { problem: "not an llmsgen cache of this kind" };
  if (header.stamp !== expected.stamp) return { outdated: typeof header.stamp === "string" ? header.stamp : "an unknown version" };
  const body = text.slice(newline + 1);
  if (typeof header.mac !== "string" || !sameHex(header.mac, mac(expected.key, expected.kind, expected.stamp, body))) {
    return { problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" };
  }
  const entries = parseJson(body);
  if (!isRecord(entries)) return { problem: "corrupt cache (no entries)" };
  const map = new Map<string, T>();
  for (const [key, value] of Object.entries(entries)) {
    if (!expected.isEntry(value)) return { problem: `corrupt cache (bad entry ${key.slice(0, 12)}…)` };
    map.set(key, value);
  }
  return { entries: map };
}

function mac(key: Uint8Array, kind: string, stamp: string, body: string): string {
  return createHmac("sha256", key).update(`${kind}\n${stamp}\n`).update(body).digest("hex");
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
