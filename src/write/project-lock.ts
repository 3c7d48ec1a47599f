import { randomBytes } from "node:crypto";
import { linkSync, lstatSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BusyError, InputError, throwIfIssues } from "../errors.js";
import { displayPath, layoutProblem } from "../load/layout.js";
import { manifestPath } from "../load/load-manifest.js";
import type { Layout } from "../model.js";
import { writeProblems } from "./check-writes.js";
import { finishJournal, stateDir } from "./journal.js";
import { removeLeftovers } from "./remove-leftovers.js";
import { hasCode } from "./write-atomic.js";

/**
 * One llmsgen at a time writes a project. Every command that writes (build,
 * sync --adopt) holds the lock from before it reads the manifest until its
 * last write, so two runs never plan against the same manifest and lose each
 * other's entries. The lock is the file `<out>/.llmsgen/lock`, beside the
 * manifest it guards; its directory carries a `.gitignore` that keeps it out
 * of version control, and is removed when the command ends. The file says who
 * holds it (pid, host, start time); a lock whose process is gone (killed,
 * machine restarted, pid reused) is stale and taken over with a warning.
 * Holding the lock, a command first finishes what a killed one left in its
 * journal (write/journal.ts) and, after taking over a stale lock, removes
 * the temporary files the killed run left.
 */
export function withProjectLock<T>(layout: Layout, warn: (message: string) => void, run: () => T): T {
  const { release, tookOver } = acquire(layout, warn);
  try {
    finishJournal(layout, warn);
    // A run was killed holding the lock: its temporary files may lie anywhere it writes.
    if (tookOver) removeLeftovers([layout.profilesDir, ...(layout.cacheDir ? [layout.cacheDir] : [])], [layout.outDir, layout.atomsDir]);
    return run();
  } finally {
    release();
  }
}

const IGNORE = "# llmsgen's lock while a command writes this project: never committed\n*\n";

interface Holder {
  pid: number;
  host: string;
  since: string;
  token: string;
  /** Linux: the boot the process ran in, and its start time in that boot, so a reused pid is not taken for it. */
  boot?: string;
  start?: string;
}

function acquire(layout: Layout, warn: (message: string) => void): { release: () => void; tookOver: boolean } {
  const dir = stateDir(layout);
  const file = path.join(dir, "lock");
  // Taking the lock makes the out dir; it never makes the project root.
  const root = layoutProblem(layout);
  if (root) throwIfIssues([root]);
  // The out dir must be one llmsgen may write (no link on the way, no file in its place): checked as the manifest's path, which names it best.
  // So must the lock's own dir: a link there would send the lock, its temp and the journal anywhere.
  throwIfIssues(writeProblems([{ file: manifestPath(layout), data: "", guard: "own" }], layout));
  throwIfIssues(writeProblems([{ file, data: "", guard: "own" }], layout));
  const createdOut = !exists(layout.outDir);
  const me = holderOfThisProcess();
  const text = `${JSON.stringify(me)}\n`;
  let tookOver = false;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (tryLink(dir, file, text)) {
      writeIgnore(dir);
      return { release: () => release(layout.outDir, dir, file, text, createdOut), tookOver };
    }
    const held = readText(file);
    if (held === undefined) continue; // released meanwhile
    const holder = parseHolder(held);
    if (holder && isRunning(holder)) {
      throw new BusyError(
        `another llmsgen is running on this project (pid ${holder.pid}${holder.host === me.host ? "" : ` on ${holder.host}`}, since ${holder.since}): ` +
          `wait for it to finish, then run the command again; if no llmsgen is running, delete ${displayPath(layout, file)}`,
      );
    }
    if (breakStale(dir, file, held, layout)) {
      tookOver = true;
      warn(`took over a stale lock ${displayPath(layout, file)}: ${holder ? `pid ${holder.pid}, since ${holder.since}, is no longer running` : "it was unreadable"}`);
    }
    pause(5);
  }
  throw new BusyError(`could not take the lock ${displayPath(layout, file)}: other llmsgen runs keep taking it; run the command again`);
}

/** Writes the holder's text beside the lock and links it into place, which fails rather than replace a lock that exists. */
function tryLink(dir: string, file: string, text: string): boolean {
  const temp = path.join(dir, `.lock.llmsgen-${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, text, { flag: "wx" });
    linkSync(temp, file);
    return true;
  } catch (error) {
    // EEXIST: held; ENOENT: a releasing run removed the directory under us (try again).
    if (hasCode(error, "EEXIST") || hasCode(error, "ENOENT")) return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Removes a stale lock, if it is still the very one judged stale. Two runs
 * breaking it at once take turns through a `break` directory (mkdir is
 * atomic), so neither removes a fresh lock the other has just taken.
 */
function breakStale(dir: string, file: string, judged: string, layout: Layout): boolean {
  const breaker = path.join(dir, "break");
  try {
    mkdirSync(breaker);
  } catch (error) {
    // Another run is breaking it; one killed while breaking leaves the (empty) directory behind for a moment only.
    if (hasCode(error, "EEXIST") && ageMs(breaker) > 10_000) removeEmptyBreaker(breaker, layout);
    return false;
  }
  try {
    if (readText(file) !== judged) return false;
    unlinkSync(file);
    return true;
  } finally {
    rmdirSync(breaker);
  }
}

/** llmsgen's break dir is always empty: one holding anything (or not a dir) is not llmsgen's, and is never removed. */
function removeEmptyBreaker(breaker: string, layout: Layout): void {
  try {
    rmdirSync(breaker);
  } catch (error) {
    if (hasCode(error, "ENOENT")) return;
    throw new InputError([{ file: displayPath(layout, breaker), message: "llmsgen takes over a stale lock through this name, and found something it did not make here: move it away, then run the command again" }]);
  }
}

function release(outDir: string, dir: string, file: string, text: string, createdOut: boolean): void {
  if (readText(file) !== text) return; // not ours any more: leave it
  // Only llmsgen's own .gitignore (this run's, or a killed run's): one a user put there, with text of their own, stays.
  const ignore = path.join(dir, ".gitignore");
  if (readText(ignore) === IGNORE) rmSync(ignore, { force: true });
  unlinkSync(file);
  for (const empty of createdOut ? [dir, outDir] : [dir]) {
    try {
      rmdirSync(empty);
    } catch {
      return; // not empty (another run's lock, outputs written): it stays
    }
  }
}

/** Writes the lock dir's .gitignore unless one is there. */
function writeIgnore(dir: string): void {
  try {
    writeFileSync(path.join(dir, ".gitignore"), IGNORE, { flag: "wx" });
  } catch (error) {
    if (!hasCode(error, "EEXIST")) throw error;
  }
}

function holderOfThisProcess(): Holder {
  const boot = bootId();
  const start = startTime(process.pid);
  return {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
    ...(boot === undefined ? {} : { boot }),
    ...(start === undefined ? {} : { start }),
  };
}

/** False only when the holder is known to be gone: no such process, another boot, or another process under its pid. */
function isRunning(holder: Holder): boolean {
  if (holder.host !== os.hostname()) return true; // no way to look at another machine's processes
  const boot = bootId();
  if (holder.boot !== undefined && boot !== undefined && holder.boot !== boot) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (hasCode(error, "ESRCH")) return false;
  }
  const start = startTime(holder.pid);
  return holder.start === undefined || start === undefined || holder.start === start;
}

function parseHolder(text: string): Holder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || !("pid" in value && "host" in value && "since" in value && "token" in value)) return undefined;
  const { pid, host, since, token } = value;
  if (typeof pid !== "number" || typeof host !== "string" || typeof since !== "string" || typeof token !== "string") return undefined;
  const boot = "boot" in value && typeof value.boot === "string" ? value.boot : undefined;
  const start = "start" in value && typeof value.start === "string" ? value.start : undefined;
  return { pid, host, since, token, ...(boot === undefined ? {} : { boot }), ...(start === undefined ? {} : { start }) };
}

function bootId(): string | undefined {
  return readText("/proc/sys/kernel/random/boot_id")?.trim();
}

/** A process's start time since boot, from /proc (Linux); undefined elsewhere. */
function startTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after the command name, which is in parentheses and may hold spaces; starttime is field 22.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
