import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { random } from "../bench/corpus.js";
import { runCli } from "../helpers.js";
import { copyOf, findingKinds, leftovers, nextVersion, outTree, reference, runChild, startChild, tidepools } from "./tidepools.js";

/** A build after every atom changed, its counts and plans already cached (the parsed atoms are not). */
const BUILD_WRITES = [
  "wrote out/llmsgen.lock.json",
  "wrote out/tidepool-guide.txt",
  "wrote out/llms.txt",
  "wrote out/topics/all.txt",
  "wrote out/llmsgen.lock.json",
  "wrote .llmsgen-cache/files.json",
  "wrote .llmsgen-cache/atoms.json",
];

/** The first build of a project: no manifest, no cache. */
const FIRST_WRITES = [
  "wrote out/llmsgen.lock.json",
  "wrote out/tidepool-guide.txt",
  "wrote out/llms.txt",
  "wrote out/topics/all.txt",
  "wrote out/llmsgen.lock.json",
  "wrote .llmsgen-cache/.gitignore",
  "wrote .llmsgen-cache/files.json",
  "wrote .llmsgen-cache/atoms.json",
  "wrote .llmsgen-cache/plans.json",
  "wrote .llmsgen-cache/tokens-o200k_base.json",
];

/** A stale lock left by the killed run is taken over with this warning, or there was none (killed before it). */
const TAKEOVER = /^(llmsgen: warning: took over a stale lock out\/\.llmsgen\/lock: pid \d+, since \S+, is no longer running\n)?$/;

/**
 * After a kill: sync-check sees at most stale or missing outputs (never a hand
 * edit); after the atoms change once more, a plain build finishes without a
 * refusal and writes exactly what a clean build writes, leaving no temp file
 * and no lock behind.
 */
async function recovers(project: string, version: number, expected: Record<string, string>): Promise<void> {
  expect(findingKinds(project).filter((kind) => kind !== "stale" && kind !== "missing")).toEqual([]);
  nextVersion(project, version);
  const run = await runCli(["build"], { cwd: project });
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(TAKEOVER);
  expect(outTree(project)).toEqual(expected);
  expect(leftovers(project)).toEqual([]);
  expect(existsSync(path.join(project, "out/.llmsgen"))).toBe(false);
  expect((await runCli(["build", "--check"], { cwd: project })).code).toBe(0);
}

describe("kill -9 while a build writes", () => {
  it("writes the manifest with the outputs pending first, then the outputs, then the final manifest, then the cache", () => {
    const project = tidepools(1, true);
    nextVersion(project, 2);
    expect(runChild("build", project).lines).toEqual([...BUILD_WRITES, "exit 0"]);
    expect(runChild("build", tidepools(1, false, false)).lines).toEqual([...FIRST_WRITES, "exit 0"]);
  });

  it("killed right after each of its 7 writes, the next build finishes with no false refusal", async () => {
    const built = tidepools(1, true);
    const expected = await reference(3);
    for (let kill = 1; kill <= BUILD_WRITES.length; kill++) {
      const project = copyOf(built);
      nextVersion(project, 2);
      const run = runChild("build", project, `kill:${kill}`);
      expect({ kill, signal: run.signal, lines: run.lines }).toEqual({ kill, signal: "SIGKILL", lines: BUILD_WRITES.slice(0, kill) });
      await recovers(project, 3, expected);
    }
  });

  it("killed right after each of the 10 writes of a first build (no manifest, no cache yet), the next build finishes", async () => {
    const fresh = tidepools(1, false, false);
    const expected = await reference(2);
    for (let kill = 1; kill <= FIRST_WRITES.length; kill++) {
      const project = copyOf(fresh);
      const run = runChild("build", project, `kill:${kill}`);
      expect({ kill, signal: run.signal, lines: run.lines }).toEqual({ kill, signal: "SIGKILL", lines: FIRST_WRITES.slice(0, kill) });
      await recovers(project, 2, expected);
    }
  });

  it("killed at 8 random moments of a build, the next build finishes with no false refusal", async () => {
    const built = tidepools(1, true);
    const expected = await reference(3);
    // Most of a run is Node starting and loading modules; the kills fall in the later half of a whole run's time.
    const whole = copyOf(built);
    nextVersion(whole, 2);
    const started = Date.now();
    await startChild("build", whole).done;
    const span = Date.now() - started;
    const next = random(9);
    for (let round = 0; round < 8; round++) {
      const project = copyOf(built);
      nextVersion(project, 2);
      const child = startChild("build", project);
      const timer = setTimeout(child.kill, Math.floor(span * (0.5 + 0.6 * next())));
      await child.done;
      clearTimeout(timer);
      await recovers(project, 3, expected);
    }
  });
});

describe("kill -9 while adopt writes", () => {
  /** out/tidepool-guide.txt with a section added by hand and an atom's text edited in place. */
  function handEdit(project: string): string {
    const file = path.join(project, "out/tidepool-guide.txt");
    const edited = readFileSync(file, "utf8")
      .replace("Turn a stone toward you", "Turn a stone slowly toward you")
      .replace("</TIDEPOOL_GUIDE>", "<HAND_WRITTEN>\nWritten by hand: bring a jar of sea water for a closer look.\n</HAND_WRITTEN>\n\n</TIDEPOOL_GUIDE>");
    writeFileSync(file, edited);
    return edited;
  }

  it("killed right after each of its writes, the next build finishes the adoption and reproduces the hand-edited file", async () => {
    const built = tidepools(1, true);
    const whole = copyOf(built);
    const edited = handEdit(whole);
    const writes = runChild("adopt", whole).lines;
    expect(writes).toEqual([
      "wrote out/.llmsgen/journal.json",
      "wrote atoms/life/crabs.md",
      "wrote atoms/life/hand-written.md",
      "wrote profiles/guide.yaml",
      "exit 0",
    ]);
    const finished = await runCli(["build"], { cwd: whole });
    expect({ code: finished.code, stderr: finished.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(path.join(whole, "out/tidepool-guide.txt"), "utf8")).toBe(edited);
    const expected = outTree(whole);

    for (let kill = 1; kill < writes.length - 1; kill++) {
      const project = copyOf(built);
      handEdit(project);
      expect(runChild("adopt", project, `kill:${kill}`).signal).toBe("SIGKILL");
      const run = await runCli(["build"], { cwd: project });
      const finishedFiles = writes.slice(kill, -1).map((line) => line.replace("wrote ", ""));
      expect({ kill, code: run.code, stderr: run.stderr.replace(/pid \d+, since [\dTZ:.-]+/, "pid N, since T") }).toEqual({
        kill,
        code: 0,
        stderr:
          "llmsgen: warning: took over a stale lock out/.llmsgen/lock: pid N, since T, is no longer running\n" +
          (finishedFiles.length > 0 ? `llmsgen: warning: finished the writes a killed run had begun: ${finishedFiles.join(", ")}\n` : ""),
      });
      expect(outTree(project)).toEqual(expected);
      expect(leftovers(project)).toEqual([]);
    }
  });
});
