import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree } from "../helpers.js";
import { atomsAt, outTree, PROFILES } from "../fault/tidepools.js";

function project(extra: Record<string, string> = {}): string {
  return makeProject({ ...PROFILES, ...atomsAt(1), ...extra });
}

const LINK_RULE = "and llmsgen never writes through a link under the root";

describe("every write is checked before the first", () => {
  it("a file where out/topics must be a directory: exit 2, and not even the outputs that could be written are", async () => {
    const root = project({ "out/topics": "a note kept here by hand\n" });
    const before = snapshotTree(root);

    const run = await runCli(["build"], { cwd: root });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: `profiles/topics.yaml:1: 'output' "topics/all.txt": out/topics is a file, so nothing can be written below it: move it away, or point 'output' elsewhere\n`,
    });
    expect(snapshotTree(root)).toEqual(before);
  });

  it("a dangling link at out/topics: a clear message, nothing written, nothing made where it points", async () => {
    const root = project();
    const nowhere = path.join(makeProject({}), "nowhere");
    mkdirSync(path.join(root, "out"));
    symlinkSync(nowhere, path.join(root, "out/topics"));

    const run = await runCli(["build"], { cwd: root });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: `profiles/topics.yaml:1: 'output' "topics/all.txt": out/topics is a symbolic link to ${nowhere}, which does not exist; llmsgen never writes through a link: remove the link, or replace it with a real directory\n`,
    });
    expect(existsSync(nowhere)).toBe(false);
    expect(readdirSync(path.join(root, "out"))).toEqual(["topics"]);
  });

  it("a link at out itself, leading out of the project: nothing is written through it", async () => {
    const root = project();
    const elsewhere = makeProject({});
    symlinkSync(elsewhere, path.join(root, "out"));

    const run = await runCli(["build"], { cwd: root });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: `out: a symbolic link to ${elsewhere} stands on the way to out/llmsgen.lock.json, ${LINK_RULE}: replace it with a real directory, or remove it\n`,
    });
    expect(snapshotTree(elsewhere)).toEqual({});
  });

  it("an output that is a link to another file: --force still writes through neither", async () => {
    const root = project({ "out/keep.txt": "kept by hand\n" });
    symlinkSync("keep.txt", path.join(root, "out/tidepool-guide.txt"));

    const run = await runCli(["build", "--force"], { cwd: root });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr: `profiles/guide.yaml:1: 'output' "tidepool-guide.txt": out/tidepool-guide.txt is a symbolic link (to keep.txt); llmsgen never writes through a link: replace the link with a real file, or point 'output' elsewhere\n`,
    });
    expect(readFileSync(path.join(root, "out/keep.txt"), "utf8")).toBe("kept by hand\n");
    expect(outTree(root)).toEqual({ "out/keep.txt": "kept by hand\n", "out/tidepool-guide.txt": "kept by hand\n" });
  });

  it("adopt does not rewrite a profile that is a link, and writes nothing else either", async () => {
    const root = project({ "shared/guide.yaml": PROFILES["profiles/guide.yaml"] });
    expect((await runCli(["build"], { cwd: root })).code).toBe(0);
    rmSync(path.join(root, "profiles/guide.yaml"));
    symlinkSync("../shared/guide.yaml", path.join(root, "profiles/guide.yaml"), "file");
    const output = path.join(root, "out/tidepool-guide.txt");
    writeFileSync(output, readFileSync(output, "utf8").replace("</TIDEPOOL_GUIDE>", "<JARS>\nBring a jar.\n</JARS>\n\n</TIDEPOOL_GUIDE>"));
    const before = snapshotTree(root);

    const run = await runCli(["sync", "--adopt"], { cwd: root });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr: `profiles/guide.yaml: a symbolic link to ../shared/guide.yaml stands where llmsgen writes profiles/guide.yaml, ${LINK_RULE}: replace it with a real file, or remove it\n`,
    });
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe("temporary files", () => {
  it("that killed runs left are removed by the next build; files that only look alike stay", async () => {
    const leftovers = {
      "out/.tidepool-guide.txt.llmsgen-12345-deadbeef.tmp": "half written",
      "out/topics/.all.txt.llmsgen-7-0123abcd.tmp": "half written",
    };
    const lookalikes = { "out/notes.tmp": "mine", "out/.x.llmsgen-12-NOTHEX00.tmp": "mine", "out/x.llmsgen-12-deadbeef.tmp": "mine" };
    const root = project({ ...leftovers, ...lookalikes });

    expect((await runCli(["build"], { cwd: root })).code).toBe(0);

    const left = Object.keys(outTree(root)).filter((file) => file.endsWith(".tmp"));
    expect(left.sort()).toEqual(Object.keys(lookalikes).sort());
  });
});

describe("the project lock", () => {
  const lockFile = (root: string) => path.join(root, "out/.llmsgen/lock");
  const plantLock = (root: string, holder: Record<string, unknown>) => {
    mkdirSync(path.dirname(lockFile(root)), { recursive: true });
    writeFileSync(lockFile(root), `${JSON.stringify({ host: os.hostname(), since: "2026-01-02T03:04:05.000Z", token: "feedface", ...holder })}\n`);
  };

  it("while another llmsgen holds it: exit 4 naming its pid and start, nothing written; build --check and sync-check still run", async () => {
    const root = project();
    plantLock(root, { pid: process.pid });
    const before = snapshotTree(root);

    const run = await runCli(["build"], { cwd: root });
    const adopt = await runCli(["sync", "--adopt"], { cwd: root });

    const busy = `llmsgen: another llmsgen is running on this project (pid ${process.pid}, since 2026-01-02T03:04:05.000Z): wait for it to finish, then run the command again; if no llmsgen is running, delete out/.llmsgen/lock\n`;
    expect(run).toEqual({ code: 4, stdout: "", stderr: busy });
    expect(adopt).toEqual({ code: 4, stdout: "", stderr: busy });
    expect(snapshotTree(root)).toEqual(before);
    expect((await runCli(["build", "--check"], { cwd: root })).code).toBe(1);
    expect((await runCli(["sync-check"], { cwd: root })).code).toBe(1);
  });

  it("held on another machine: respected, since its process cannot be looked at from here", async () => {
    const root = project();
    plantLock(root, { pid: 1, host: "build-box-7" });

    const run = await runCli(["build"], { cwd: root });

    expect(run.stderr).toBe(
      "llmsgen: another llmsgen is running on this project (pid 1 on build-box-7, since 2026-01-02T03:04:05.000Z): wait for it to finish, then run the command again; if no llmsgen is running, delete out/.llmsgen/lock\n",
    );
    expect(run.code).toBe(4);
  });

  it("left by a process that is gone (kill -9) is taken over with a warning, and leaves no trace after the build", async () => {
    const root = project();
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    plantLock(root, { pid: Number(gone) });

    const run = await runCli(["build"], { cwd: root });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: `llmsgen: warning: took over a stale lock out/.llmsgen/lock: pid ${gone}, since 2026-01-02T03:04:05.000Z, is no longer running\n`,
    });
    expect(existsSync(path.join(root, "out/.llmsgen"))).toBe(false);
  });

  it("whose pid now names another process (another start time, or another boot) is stale too", async () => {
    for (const other of [{ start: "1" }, { boot: "00000000-0000-0000-0000-000000000000" }]) {
      const root = project();
      plantLock(root, { pid: process.pid, ...other });
      const run = await runCli(["build"], { cwd: root });
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 0,
        stderr: `llmsgen: warning: took over a stale lock out/.llmsgen/lock: pid ${process.pid}, since 2026-01-02T03:04:05.000Z, is no longer running\n`,
      });
    }
  });

  it("leaves nothing behind: a build that fails on bad input creates no out dir at all", async () => {
    const root = project({ "atoms/broken.md": "no frontmatter here\n" });

    const run = await runCli(["build"], { cwd: root });

    expect(run.code).toBe(2);
    expect(existsSync(path.join(root, "out"))).toBe(false);
  });

  it("a journal that names a file outside the project is never acted on: removed, with a warning", async () => {
    const root = project();
    const outside = makeProject({ ".target.txt.llmsgen-1-deadbeef.tmp": "planted" });
    const target = path.join(outside, "target.txt");
    mkdirSync(path.join(root, "out/.llmsgen"), { recursive: true });
    writeFileSync(
      path.join(root, "out/.llmsgen/journal.json"),
      JSON.stringify([{ file: target, temp: path.join(outside, ".target.txt.llmsgen-1-deadbeef.tmp"), guard: "new", sha256: "0".repeat(64) }]),
    );

    const run = await runCli(["build"], { cwd: root });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: "llmsgen: warning: out/.llmsgen/journal.json: not a journal llmsgen wrote for this project; removed it without acting on it\n",
    });
    expect(existsSync(target)).toBe(false);
  });
});
