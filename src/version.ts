import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

let own: string | undefined;
let tokenizer: string | undefined;

/** llmsgen's own version, from its package.json. */
export function llmsgenVersion(): string {
  own ??= readVersion(new URL("../package.json", import.meta.url));
  return own;
}

/** The installed tiktoken's version: token counts are only valid for the tokenizer that made them. */
export function tiktokenVersion(): string {
  // tiktoken's exports do not list package.json; it sits beside the entry point.
  tokenizer ??= readVersion(path.join(path.dirname(require.resolve("tiktoken")), "package.json"));
  return tokenizer;
}

function readVersion(file: string | URL): string {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  const version = typeof parsed === "object" && parsed !== null && "version" in parsed ? parsed.version : undefined;
  if (typeof version !== "string") throw new Error(`${String(file)} names no version`);
  return version;
}
