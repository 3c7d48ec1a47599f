import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readRegularFile } from "../read-regular.js";

/**
 * The secret that signs this machine's cache files (cache-file.ts): 32 random
 * bytes, made on first use and kept outside every project, readable by its
 * owner only, so no file in a repository, an archive or a shared CI cache can
 * carry a valid signature. Where it lives:
 *
 *   $XDG_STATE_HOME/llmsgen/cache-key        when XDG_STATE_HOME is set
 *   %LOCALAPPDATA%\llmsgen\cache-key         on Windows
 *   ~/.local/state/llmsgen/cache-key         otherwise
 */
export function cacheKeyFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const state = env.XDG_STATE_HOME;
  if (state && path.isAbsolute(state)) return path.join(state, "llmsgen", "cache-key");
  const local = env.LOCALAPPDATA;
  if (process.platform === "win32" && local) return path.join(local, "llmsgen", "cache-key");
  return path.join(os.homedir(), ".local", "state", "llmsgen", "cache-key");
}

const KEY = /^[0-9a-f]{64}\n?$/;

/**
 * Reads the key at `file`, creating it if there is none (two processes
 * creating it at once agree on one: it is linked into place, never replaced).
 * A key that cannot be read or made is a reason to run without the cache,
 * never a failure: the problem comes back as text for a warning.
 */
export function loadCacheKey(file: string): { key: Buffer } | { problem: string } {
  try {
    return { key: readKey(file) ?? createKey(file) };
  } catch (error) {
    return { problem: `cannot use the cache key ${file} (${describe(error)}): the cache is not used in this run; fix that path, or build with --no-cache` };
  }
}

function readKey(file: string): Buffer | undefined {
  let bytes: ReturnType<typeof readRegularFile>;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
  if (!Buffer.isBuffer(bytes)) throw new Error("not a regular file: remove it and llmsgen makes a new key");
  const text = bytes.toString("utf8");
  if (!KEY.test(text)) throw new Error("not 64 hex digits: delete it and llmsgen makes a new one");
  return Buffer.from(text.slice(0, 64), "hex");
}

function createKey(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
    try {
      linkSync(temp, file);
    } catch (error) {
      if (!isCode(error, "EEXIST")) throw error;
    }
  } finally {
    rmSync(temp, { force: true });
  }
  const key = readKey(file);
  if (!key) throw new Error("it vanished as it was made");
  return key;
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
