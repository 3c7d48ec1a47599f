import { sha256 } from "../hash.js";
import type { Issue } from "../model.js";
import { kindOf, readRegularFile } from "../read-regular.js";

export { kindOf, readRegularFile };

export interface SourceText {
  /** Decoded text: BOM dropped, CRLF and CR turned into LF. */
  text: string;
  /** sha256 of the raw bytes. */
  sha256: string;
}

/**
 * Reads a UTF-8 text file and normalises it before anything else looks at it.
 * Bytes that are not UTF-8 are bad input, never turned into U+FFFD: the result
 * is then an issue naming the byte offset (`shown` is the file as messages show it).
 */
export function readSourceText(file: string, shown: string): SourceText | { issue: Issue } {
  const raw = readRegularFile(file);
  if ("kind" in raw) return { issue: { file: shown, message: notRegular(raw.kind) } };
  const decoded = decodeUtf8(raw, shown);
  return typeof decoded === "string" ? { sha256: sha256(raw), text: normaliseText(decoded) } : decoded;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes as a string, or an issue at the first byte that is not part of a well-formed UTF-8 character. */
export function decodeUtf8(bytes: Uint8Array, shown: string): string | { issue: Issue } {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes) ?? 0;
    const shownBytes = Array.from(bytes.subarray(offset, offset + 4), (byte) => `0x${byte.toString(16).padStart(2, "0")}`).join(" ");
    return {
      issue: {
        file: shown,
        line: lineOfOffset(bytes, offset),
        message: `not valid UTF-8: the bytes at offset ${offset} (${shownBytes}) do not form a character; llmsgen reads text only as UTF-8: save the file as UTF-8`,
      },
    };
  }
}

/**
 * The offset of the first ill-formed UTF-8 sequence (Unicode Table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or undefined when
 * every byte is part of a well-formed character.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const shape = sequenceShape(lead);
    if (!shape) return i;
    const [length, low, high] = shape;
    if (i + length > bytes.length) return i;
    const second = bytes[i + 1] ?? 0;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k] ?? 0;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return undefined;
}

/** For a lead byte: the sequence length and the range its second byte must fall in. */
function sequenceShape(lead: number): [number, number, number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return undefined;
}

/** The 1-based line an offset falls on, counting CRLF, CR and LF as one line break each, as normalising does. */
function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const byte = bytes[i];
    if (byte === 0x0a) line++;
    else if (byte === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/** How many line breaks a text holds: the line offset of what follows it. */
export function countNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

/** Drops a leading BOM and turns CRLF and lone CR into LF. */
export function normaliseText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/g, "\n");
}

/** The message for a path llmsgen reads that holds something other than a regular file. */
export function notRegular(kind: string): string {
  return `not a regular file (${kind}): llmsgen reads only regular files here: remove it, or put a file in its place`;
}
