import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from "node:fs";

/**
 * A file's bytes, only when it is a regular file (links followed): a FIFO,
 * socket or device is never read, since reading one may block forever. It is
 * opened without blocking and looked at through the open descriptor, so what
 * is judged is what would be read.
 */
export function readRegularFile(file: string): Buffer | { kind: string } {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { kind: kindOf(stats) };
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What a non-file entry is, for messages: "a FIFO", "a directory", … */
export function kindOf(stats: Pick<Stats, "isDirectory" | "isFIFO" | "isSocket" | "isCharacterDevice" | "isBlockDevice">): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "neither a file nor a directory";
}

