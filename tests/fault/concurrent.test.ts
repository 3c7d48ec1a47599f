import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { random } from "../bench/corpus.js";
import { runCli } from "../helpers.js";
import { findingKinds, leftovers, nextVersion, outTree, reference, runChild, startChild, startCli, tidepools } from "./tidepools.js";

const BUSY = /^llmsgen: another llmsgen is running on this project \(pid \d+, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\): wait for it to finish, then run the command again; if no llmsgen is running, delete out\/\.llmsgen\/lock\n$/;
const HAND_WRITTEN = "<HAND_WRITTEN>\nWritten by hand while a build ran.\n</HAND_WRITTEN>";

describe("builds at the same time", () => {
  it("a second and a third build while one holds the lock: each says so with exit 4 and writes nothing", async () => {
    const project = tidepools(1, true);
    nextVersion(project, 2);
    const holder = startChild("build", project, "hold:1:go");
    await holder.firstWrite;
    const before = outTree(project);

    const others = await Promise.all([startCli(["build"], project), startCli(["build", "--profile", "topics"], project)]);
    // Judged while the holder still waits: once told to go, it writes the rest of its build.
    const during = outTree(project);
    writeFileSync(path.join(project, "go"), "");

    expect(others.map((run) => ({ code: run.code, stdout: run.stdout }))).toEqual([
      { code: 4, stdout: "" },
      { code: 4, stdout: "" },
    ]);
    for (const run of others) expect(run.stderr).toMatch(BUSY);
    expect(during).toEqual(before);
    expect((await holder.done).lines.at(-1)).toBe("exit 0");
    expect(outTree(project)).toEqual(await reference(2));
  });

  it("two and three builds of different profiles at once, 4 rounds: each finishes or is turned away, and no manifest entry is lost", async () => {
    const expected = await reference(2);
    const next = random(4);
    for (let round = 0; round < 4; round++) {
      const project = tidepools(1, true);
      nextVersion(project, 2);
      const commands = [["build", "--profile", "guide"], ["build", "--profile", "topics"], ["build"]].slice(0, 2 + (round % 2));
      const runs = await Promise.all(commands.map((args, index) => delay(index * Math.floor(next() * 60)).then(() => startCli(args, project))));
      for (const run of runs) {
        expect([0, 4]).toContain(run.code);
        if (run.code === 4) expect(run.stderr).toMatch(BUSY);
        else expect(run.stderr).toBe("");
      }
      // Whatever ran, the manifest knows every output it wrote: nothing reads as a hand edit.
      expect(findingKinds(project).filter((kind) => kind !== "stale")).toEqual([]);
      expect((await runCli(["build"], { cwd: project })).code).toBe(0);
      expect(outTree(project)).toEqual(expected);
      expect(leftovers(project)).toEqual([]);
    }
  });
});

describe("a hand edit made while a build runs", () => {
  it("is never overwritten: edited after the build checked it, the build stops before that file (exit 1) and the edit stays", async () => {
    const project = tidepools(1, true);
    nextVersion(project, 2);
    // After the first write (the pending manifest), the last output to be written is edited by hand.
    const run = runChild("build", project, "append:1:out/topics/all.txt");

    expect(run.lines).toEqual([
      "wrote out/llmsgen.lock.json",
      "wrote out/tidepool-guide.txt",
      "wrote out/llms.txt",
      "error ConcurrentEditError: out/topics/all.txt changed on disk after llmsgen checked it: it was left as it is, and nothing more was written; run the command again to check it",
    ]);
    expect(readFileSync(path.join(project, "out/topics/all.txt"), "utf8")).toContain(HAND_WRITTEN);
    // The other outputs were written and recorded; this one is stale, with the hand-written section the next build refuses to destroy.
    expect(findingKinds(project)).toEqual(["stale", "stale", "stale", "unbacked"]);
    const next = await runCli(["build"], { cwd: project });
    expect({ code: next.code, first: next.stderr.split("\n")[0] }).toEqual({ code: 1, first: "llmsgen: nothing written: out/topics/all.txt holds hand-written text a build would destroy (HAND_WRITTEN)" });
  });

  it("edited at 6 random moments while builds run, the edit is never lost", async () => {
    const next = random(11);
    for (let round = 0; round < 6; round++) {
      const project = tidepools(1, true);
      nextVersion(project, 2);
      const build = startCli(["build"], project);
      await delay(150 + Math.floor(next() * 350));
      const file = path.join(project, "out/tidepool-guide.txt");
      writeEdit(file);
      const run = await build;
      expect([0, 1]).toContain(run.code);
      expect(readFileSync(file, "utf8")).toContain(HAND_WRITTEN);
      expect(leftovers(project)).toEqual([]);
      expect(existsSync(path.join(project, "out/.llmsgen"))).toBe(false);
    }
  });
});

describe("a build and an adopt at the same time", () => {
  it("never lose the hand-written section: it stays in the output or becomes an atom, whichever runs first", async () => {
    const next = random(5);
    for (let round = 0; round < 4; round++) {
      const project = tidepools(1, true);
      writeEdit(path.join(project, "out/tidepool-guide.txt"));
      const first = round % 2 === 0 ? ["sync", "--adopt"] : ["build"];
      const second = round % 2 === 0 ? ["build"] : ["sync", "--adopt"];
      const runs = await Promise.all([startCli(first, project), delay(Math.floor(next() * 200)).then(() => startCli(second, project))]);
      for (const run of runs) expect([0, 1, 4]).toContain(run.code);
      const adopted = existsSync(path.join(project, "atoms/life/hand-written.md"));
      const inOutput = readFileSync(path.join(project, "out/tidepool-guide.txt"), "utf8").includes(HAND_WRITTEN);
      expect({ round, kept: adopted || inOutput }).toEqual({ round, kept: true });
      if (adopted) expect(readFileSync(path.join(project, "atoms/life/hand-written.md"), "utf8")).toContain("Written by hand while a build ran.");
      // Finishing by hand: adopt what is left, build, and the section is in the output with its atom.
      await runCli(["sync", "--adopt"], { cwd: project });
      expect((await runCli(["build"], { cwd: project })).code).toBe(0);
      expect(readFileSync(path.join(project, "out/tidepool-guide.txt"), "utf8")).toContain(HAND_WRITTEN);
      expect(leftovers(project)).toEqual([]);
    }
  });
});

/** A hand-written section added before the wrapper's closing line, as an editor saves it (in place). */
function writeEdit(file: string): void {
  const text = readFileSync(file, "utf8");
  const at = text.lastIndexOf("\n\n</");
  const edited = at === -1 ? `${text}\n${HAND_WRITTEN}\n` : `${text.slice(0, at)}\n\n${HAND_WRITTEN}${text.slice(at)}`;
  writeFileSync(file, edited);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
