import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The one format of llmsgen's cache files: a JSON header line, a JSON index
 * line, then each entry's JSON on a line of its own.
 *
 *   {"format":"llmsgen-tokens","layout":2,"stamp":"tiktoken 1.0.22 o200k_base","mac":"<hex>"}
 *   {"keys":["<key>",...],"sizes":[<bytes>,...]}
 *   <entry>
 *   ...
 *
 * The index gives each entry's key and length in bytes, so opening a file
 * parses the index alone and an entry is decoded only when it is asked for:
 * a run pays for the entries it uses, not for the whole file.
 *
 * `layout` is this format's number: a file of another layout was written by
 * another version and is replaced quietly. `stamp` names everything the
 * entries were derived with (code and tokenizer, see stamps.ts): another stamp
 * means other rules made them. `mac` is an HMAC-SHA256 of kind, layout, stamp
 * and every byte after the header line (index and entries) under a secret key
 * kept outside the project (cache-key.ts): a file edited by hand, copied from
 * another machine or restored from a shared CI cache does not verify, so it
 * is ignored rather than trusted. A plain checksum would not do: whoever
 * edits the body can recompute it.
 */
export interface CacheFile {
  kind: string;
  stamp: string;
  /** Each value is an entry, or a SavedEntry written back as the bytes it was read as. */
  entries: Iterable<readonly [string, unknown]>;
}

/** The cache layout this code reads and writes. */
export const CACHE_LAYOUT = 2;

const NEWLINE = 0x0a;

/** An entry read from a cache file and never decoded: saved again byte for byte. */
export class SavedEntry {
  constructor(readonly json: Uint8Array) {}
}

/**
 * The entries of a cache file a run reads from: a Map fits, and so do the
 * CacheEntries of an opened file, which decode an entry on first `get`.
 */
export interface SavedEntries<T> {
  readonly size: number;
  get(key: string): T | undefined;
  keys(): Iterable<string>;
}

/**
 * The entries of a verified cache file, decoded one at a time on first use.
 * An entry of the wrong shape (the file was signed here, so only a bug in
 * an earlier version could make one) is as good as absent.
 */
export class CacheEntries<T> implements SavedEntries<T> {
  private readonly at = new Map<string, number>();
  private readonly decoded: (T | null | undefined)[];

  constructor(
    private readonly body: Buffer,
    private readonly offsets: readonly number[],
    keys: readonly string[],
    private readonly isEntry: (value: unknown) => value is T,
  ) {
    keys.forEach((key, index) => this.at.set(key, index));
    this.decoded = new Array<T | null | undefined>(keys.length);
  }

  get size(): number {
    return this.at.size;
  }

  keys(): IterableIterator<string> {
    return this.at.keys();
  }

  get(key: string): T | undefined {
    const index = this.at.get(key);
    if (index === undefined) return undefined;
    let value = this.decoded[index];
    if (value === undefined) {
      const parsed = parseJson(this.body.toString("utf8", this.offsets[index], (this.offsets[index + 1] ?? 0) - 1));
      value = this.isEntry(parsed) ? parsed : null;
      this.decoded[index] = value;
    }
    return value ?? undefined;
  }

  /** The entry as it stands in the file, to save it again without decoding it. */
  saved(key: string): SavedEntry | undefined {
    const index = this.at.get(key);
    if (index === undefined) return undefined;
    return new SavedEntry(this.body.subarray(this.offsets[index], (this.offsets[index + 1] ?? 0) - 1));
  }
}

/**
 * The entries; or `outdated` when the file was made with another stamp or
 * layout (by another version: expected after an upgrade, replaced without a
 * word); or a `problem` worth a warning.
 */
export type DecodedCache<T> = { entries: CacheEntries<T> } | { outdated: string } | { problem: string };

/** The file's bytes for `cache`, signed with `key`. The same entries in the same order give the same bytes. */
export function encodeCache(cache: CacheFile, key: Uint8Array): Buffer {
  const keys: string[] = [];
  const sizes: number[] = [];
  const parts: Uint8Array[] = [];
  const newline = Buffer.from("\n");
  for (const [name, value] of cache.entries) {
    const json = value instanceof SavedEntry ? value.json : Buffer.from(JSON.stringify(value));
    keys.push(name);
    sizes.push(json.length);
    parts.push(json, newline);
  }
  const body = Buffer.concat([Buffer.from(`${JSON.stringify({ keys, sizes })}\n`), ...parts]);
  const header = { format: cache.kind, layout: CACHE_LAYOUT, stamp: cache.stamp, mac: mac(key, cache.kind, cache.stamp, body) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]);
}

/**
 * Reads a cache file's header and index, or says why it cannot be used:
 * another layout or stamp, another kind, a signature that does not verify
 * under `key`, or an index that does not fit the entries (a truncated file).
 * Entries are decoded, and checked with `isEntry`, on first use. Never throws.
 */
export function decodeCache<T>(bytes: Uint8Array, expected: { kind: string; stamp: string; key: Uint8Array; isEntry: (value: unknown) => value is T }): DecodedCache<T> {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const newline = file.indexOf(NEWLINE);
  const header = parseJson(file.toString("utf8", 0, newline === -1 ? file.length : newline));
  if (!isRecord(header)) return { problem: "corrupt cache (not the expected JSON)" };
  if (header.format !== expected.kind) return { problem: "not an llmsgen cache of this kind" };
  if (header.layout !== CACHE_LAYOUT) return { outdated: `cache layout ${typeof header.layout === "number" ? header.layout : 1}` };
  if (header.stamp !== expected.stamp) return { outdated: typeof header.stamp === "string" ? header.stamp : "an unknown version" };
  const body = file.subarray(newline + 1);
  if (newline === -1 || typeof header.mac !== "string" || !sameHex(header.mac, mac(expected.key, expected.kind, expected.stamp, body))) {
    return { problem: "its signature does not match this machine's cache key (edited, damaged, or made on another machine)" };
  }
  const end = body.indexOf(NEWLINE);
  const index = parseJson(body.toString("utf8", 0, end === -1 ? body.length : end));
  const layout = isRecord(index) && end !== -1 ? entryLayout(index, end + 1, body.length) : undefined;
  if (!layout) return { problem: "corrupt cache (its index does not fit its entries)" };
  return { entries: new CacheEntries(body, layout.offsets, layout.keys, expected.isEntry) };
}

/**
 * The keys, and where each entry starts (one more offset: where the body
 * ends), when the index is well formed and its sizes add up to the body.
 */
function entryLayout(index: Record<string, unknown>, start: number, length: number): { keys: string[]; offsets: number[] } | undefined {
  const { keys, sizes } = index;
  if (!Array.isArray(keys) || !Array.isArray(sizes) || keys.length !== sizes.length) return undefined;
  const names: string[] = [];
  const offsets = [start];
  let at = start;
  for (let i = 0; i < keys.length; i++) {
    const key: unknown = keys[i];
    const size: unknown = sizes[i];
    if (typeof key !== "string" || typeof size !== "number" || !Number.isInteger(size) || size < 0) return undefined;
    names.push(key);
    at += size + 1;
    offsets.push(at);
  }
  return at === length ? { keys: names, offsets } : undefined;
}

function mac(key: Uint8Array, kind: string, stamp: string, body: Uint8Array): string {
  return createHmac("sha256", key).update(`${kind}\n${CACHE_LAYOUT}\n${stamp}\n`).update(body).digest("hex");
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
