import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export interface SourceText {
  /** Decoded text: BOM dropped, CRLF and CR turned into LF. */
  text: string;
  /** sha256 of the raw bytes. */
  sha256: string;
  raw: Buffer;
}

/** Reads a UTF-8 text file and normalises it before anything else looks at it. */
export function readSourceText(file: string): SourceText {
  const raw = readFileSync(file);
  return { raw, sha256: sha256(raw), text: normaliseText(raw.toString("utf8")) };
}

export function normaliseText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/g, "\n");
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
