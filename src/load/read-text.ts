import { sha256 } from "../hash.js";
import { readFileSync } from "node:fs";

export interface SourceText {
  /** Decoded text: BOM dropped, CRLF and CR turned into LF. */
  text: string;
  /** sha256 of the raw bytes. */
  sha256: string;
}

/** Reads a UTF-8 text file and normalises it before anything else looks at it. */
export function readSourceText(file: string): SourceText {
  const raw = readFileSync(file);
  return { sha256: sha256(raw), text: normaliseText(raw.toString("utf8")) };
}

/** How many line breaks a text holds: the line offset of what follows it. */
export function countNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

function normaliseText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/g, "\n");
}

