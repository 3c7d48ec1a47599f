import { fileURLToPath, pathToFileURL } from "node:url";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { progressDisplay } from "../../src/cli/progress.js";
import type { Progress } from "../../src/model.js";
import { countMany } from "../../src/pack/count-parallel.js";
import { literal } from "../../src/render/segments.js";
import { runCli } from "../helpers.js";
import { FIRST_BUILD, smallProject } from "./small-project.js";

const ESC = "\u001b";
/** cli-progress's frame: back to column 1, the line, then clear what is left of it. */
const frame = (text: string) => `${ESC}[1G${text}${ESC}[0K`;
const START = `${ESC}7${ESC}[?7l`;
const END = `${ESC}[?7h${ESC}8${ESC}[1G${ESC}[2K`;

/** A clock that moves `step` ms each time it is read. */
function ticking(step: number): () => number {
  let now = 0;
  return () => (now += step);
}

describe("progress on stderr", () => {
  it("is drawn on a terminal once a build has taken a second, and cleared at the end; stdout is untouched", async () => {
    const project = smallProject();

    const run = await runCli(["build", "--no-cache"], { cwd: project, stderrTty: true, now: ticking(600) });

    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: FIRST_BUILD });
    // Read 600 ms in (counting done), nothing yet; at 1,200 ms the first profile is packed and the bar appears.
    expect(run.stderr.startsWith(`${START}${frame("packing profiles ███████████████░░░░░░░░░░░░░░░ 50% 1/2")}`)).toBe(true);
    expect(run.stderr.endsWith(`${frame("packing profiles ██████████████████████████████ 100% 2/2")}${END}`)).toBe(true);
    // Frames in between (as many as real time allowed) are whole frames of the same bar.
    const frames = run.stderr.slice(START.length, -END.length).split(`${ESC}[1G`).filter((part) => part !== "");
    for (const part of frames) expect(part).toMatch(/^packing profiles [█░]{30} (50% 1|100% 2)\/2\u001b\[0K$/);
  });

  it("is never drawn for a quick build, off a terminal, in json or github format, or with --quiet", async () => {
    const project = smallProject();

    expect((await runCli(["build", "--no-cache"], { cwd: project, stderrTty: true })).stderr).toBe("");
    for (const flags of [[], ["--format", "json"], ["--format", "github"], ["--quiet"]]) {
      const run = await runCli(["build", "--no-cache", ...flags], { cwd: project, stderrTty: flags.length > 0, now: ticking(600) });
      expect({ flags, stderr: run.stderr }).toEqual({ flags, stderr: "" });
    }
  });

  it("shows each stage with its own total", () => {
    let written = "";
    const display = progressDisplay({ write: (text) => (written += text), isTTY: true, columns: 80 }, ticking(600));

    const events: Progress[] = [
      { stage: "count", done: 64, total: 200 },
      { stage: "count", done: 128, total: 200 },
      { stage: "count", done: 200, total: 200 },
      { stage: "pack", done: 1, total: 3 },
    ];
    for (const event of events) display.update(event);
    display.stop();

    // 600 ms after the start at the first event (too early), 1,200 at the second: the bar starts there.
    expect(written.startsWith(`${START}${frame("counting tokens ███████████████████░░░░░░░░░░░ 64% 128/200")}`)).toBe(true);
    expect(written.endsWith(`${frame("packing profiles ██████████░░░░░░░░░░░░░░░░░░░░ 33% 1/3")}${END}`)).toBe(true);
  });
});

describe("counting reports how far it has come", () => {
  const encoding = get_encoding("o200k_base");
  afterAll(() => encoding.free());
  const count = (text: string) => encoding.encode_ordinary(text).length;
  const items = Array.from({ length: 200 }, (_, index) => [literal(`text number ${index}\n`)]);

  it("on one thread: every 64 texts and at the end", () => {
    const events: Progress[] = [];

    const counts = countMany(items, "o200k_base", count, { workers: 0, progress: (progress) => events.push(progress) });

    expect(counts).toEqual(items.map(([segment]) => count(segment?.text ?? "")));
    expect(events).toEqual([64, 128, 192, 200].map((done) => ({ stage: "count", done, total: 200 })));
  });

  it("with worker threads (the compiled code): rising to the total", async () => {
    const compiled = pathToFileURL(fileURLToPath(new URL("../../dist/pack/count-parallel.js", import.meta.url))).href;
    const { countMany: countCompiled } = (await import(compiled)) as { countMany: typeof countMany };
    const events: Progress[] = [];

    const counts = countCompiled(items, "o200k_base", count, { workers: 1, progress: (progress) => events.push(progress) });

    expect(counts).toEqual(items.map(([segment]) => count(segment?.text ?? "")));
    expect(events.at(-1)).toEqual({ stage: "count", done: 200, total: 200 });
    expect(events.every((event, index) => event.done >= (events[index - 1]?.done ?? 0) && event.total === 200)).toBe(true);
  });
});
