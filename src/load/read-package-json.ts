import { existsSync } from "node:fs";
import path from "node:path";
import { decodeUtf8, readRegularFile } from "./read-text.js";

/** The root's `package.json` as `${package.*}` placeholders read it: its fields, or why it cannot be read. */
export type PackageJson = { fields: Record<string, unknown> } | { problem: string };

/**
 * Reads `package.json` at the project root once, on first use: the only
 * file profile placeholders read. A missing file, bytes that are not UTF-8
 * or JSON that does not parse to an object are a problem, never a guess.
 */
export function packageJsonReader(root: string): () => PackageJson {
  let read: PackageJson | undefined;
  return () => (read ??= readPackageJson(root));
}

function readPackageJson(root: string): PackageJson {
  const file = path.join(root, "package.json");
  if (!existsSync(file)) return { problem: "there is no package.json at the project root" };
  const bytes = readRegularFile(file);
  if (!Buffer.isBuffer(bytes)) return { problem: `package.json is not a regular file (${bytes.kind})` };
  const decoded = decodeUtf8(bytes, "package.json");
  if (typeof decoded !== "string") return { problem: `package.json is ${decoded.issue.message}` };
  let data: unknown;
  try {
    data = JSON.parse(decoded.replace(/^\uFEFF/, ""));
  } catch {
    // The parser's own words differ between Node versions: the message stays the same on every machine.
    return { problem: "package.json is not valid JSON" };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return { problem: "package.json does not hold a JSON object" };
  return { fields: Object.fromEntries(Object.entries(data)) };
}
