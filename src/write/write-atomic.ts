import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, constants, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, type BigIntStats, writeFileSync } from "node:fs";
import path from "node:path";
import { ConcurrentEditError } from "../errors.js";
import { sha256, textChunks } from "../hash.js";
import type { FileWrite } from "../model.js";

/**
 * Puts one file in place so that readers see the old bytes or the new ones,
 * never a mix: the data goes to a temporary file beside the target, then a
 * rename (or, for a file that must not exist yet, a hard link, which never
 * replaces anything) puts it in place. What may be replaced is the write's
 * guard: for `{ sha256 }`, the bytes there are read and compared right before
 * the rename, and compared again through the replaced file afterwards, so an
 * edit saved meanwhile is never lost (ConcurrentEditError: the edit is kept,
 * or put back). Returns false when a `once` file already existed.
 */
export function placeFile(write: FileWrite, shown: string): boolean {
  if (write.guard === "once" && exists(write.file)) return false;
  const temp = writeTemp(write);
  try {
    return putInPlace(temp, write, shown);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The bytes a write puts in its file: made now when the write carries what makes them. */
export function bytesOf(write: FileWrite): string | Uint8Array {
  return typeof write.data === "function" ? write.data() : write.data;
}

/** Writes a write's data to a fresh temporary file beside its target (making the target's dir) and returns its path. */
export function writeTemp(write: FileWrite): string {
  mkdirSync(path.dirname(write.file), { recursive: true });
  const temp = tempBeside(write.file);
  const fd = openSync(temp, "wx");
  try {
    writeData(fd, bytesOf(write));
    // On disk before any rename relies on it: a crash never leaves an empty file renamed into place.
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** Writes a text a chunk at a time: its UTF-8 bytes are never all in memory at once next to it. */
function writeData(fd: number, data: string | Uint8Array): void {
  if (typeof data !== "string") return writeFileSync(fd, data);
  for (const chunk of textChunks(data)) writeFileSync(fd, chunk);
}

/** Puts a temporary file written by `writeTemp` in place as `write.file`, as its guard allows (see placeFile). */
export function putInPlace(temp: string, write: FileWrite, shown: string): boolean {
  const { file, guard } = write;
  if (guard === "own") renameSync(temp, file);
  else if (guard === "once") return linkNew(temp, file);
  else if (guard === "new") linkNewOrRefuse(temp, file, shown);
  else replaceJudged(temp, file, guard.sha256, shown);
  return true;
}

/** True when a write's guard still holds for what is on disk now (checked for every write before the first). */
export function guardHolds(write: FileWrite): boolean {
  const { guard } = write;
  if (guard === "own" || guard === "once") return true;
  if (guard === "new") return !exists(write.file);
  // Deleted meanwhile: nothing there to lose (a link never matches a hash).
  const now = currentSha256(write.file);
  return now === undefined || now === guard.sha256;
}

export { TEMP_NAME } from "../load/reserved-names.js";

function tempBeside(file: string): string {
  // Long names are shortened: the suffix must fit in the file system's name limit.
  const name = path.basename(file).slice(0, 100);
  return path.join(path.dirname(file), `.${name}.llmsgen-${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
}

/** Links `temp` in as `file` unless something is there; false when something was. */
function linkNew(temp: string, file: string): boolean {
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if (hasCode(error, "EEXIST")) return false;
    throw error;
  }
}

function linkNewOrRefuse(temp: string, file: string, shown: string): void {
  if (!linkNew(temp, file)) throw changed(shown, "appeared on disk after llmsgen checked that it did not exist: it was left as it is");
}

function replaceJudged(temp: string, file: string, judged: string, shown: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    // The judged file is gone (deleted meanwhile): nothing there to lose, but nothing that appears now is replaced either.
    if (hasCode(error, "ENOENT")) return linkNewOrRefuse(temp, file, shown);
    if (hasCode(error, "ELOOP")) throw changed(shown, "became a symbolic link after llmsgen checked it: it was left as it is");
    throw error;
  }
  try {
    const before = fstatSync(fd, { bigint: true });
    if (hashOf(fd) !== judged) throw changed(shown, "changed on disk after llmsgen checked it: it was left as it is");
    chmodSync(temp, Number(before.mode) & 0o7777);
    renameSync(temp, file);
    // An edit saved into the old file between the comparison and the rename shows in its stats: put it back.
    if (!sameContentStats(before, fstatSync(fd, { bigint: true }))) {
      const bytes = readAll(fd);
      if (sha256(bytes) !== judged) {
        restore(file, bytes);
        throw changed(shown, "was edited as llmsgen replaced it: the edited text was put back");
      }
    }
  } finally {
    closeSync(fd);
  }
}

function changed(shown: string, what: string): ConcurrentEditError {
  return new ConcurrentEditError(shown, `${shown} ${what}, and nothing more was written; run the command again to check it`);
}

function restore(file: string, bytes: Uint8Array): void {
  const temp = tempBeside(file);
  try {
    writeFileSync(temp, bytes, { flag: "wx" });
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

function sameContentStats(a: BigIntStats, b: BigIntStats): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Every byte of an open file, from its start. */
function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  for (const chunk of chunksOf(fd)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The sha256 of an open file's bytes, read a chunk at a time. */
function hashOf(fd: number): string {
  const hash = createHash("sha256");
  for (const chunk of chunksOf(fd)) hash.update(chunk);
  return hash.digest("hex");
}

/** An open file's bytes from its start, in chunks of one reused buffer (each valid until the next). */
function* chunksOf(fd: number): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (let position = 0; ; ) {
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) return;
    yield buffer.subarray(0, read);
    position += read;
  }
}

/** The sha256 of what stands at `file` now: undefined when nothing does, "link" for a symbolic link (never followed). */
export function currentSha256(file: string): string | undefined | "link" {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (hasCode(error, "ENOENT")) return undefined;
    if (hasCode(error, "ELOOP")) return "link";
    throw error;
  }
  try {
    return hashOf(fd);
  } finally {
    closeSync(fd);
  }
}

/** True when anything stands at `file`, a dangling link included. */
function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch (error) {
    if (hasCode(error, "ENOENT")) return false;
    throw error;
  }
}

export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}
