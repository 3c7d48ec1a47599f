import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { makeProject, runCli } from "../helpers.js";

const README = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

interface Step {
  uses?: string;
  run?: string;
  name?: string;
}

/** The workflow file the README gives, as written there. */
function readmeWorkflow(): { steps: Step[]; text: string } {
  const block = /```yaml\n(# \.github\/workflows\/[^\n]+\n[\s\S]*?)```/.exec(README);
  if (!block?.[1]) throw new Error("README has no ```yaml block starting with a # .github/workflows/ line");
  const workflow = parse(block[1]) as { jobs: Record<string, { steps: Step[] }> };
  const [job] = Object.values(workflow.jobs);
  return { steps: job?.steps ?? [], text: block[1] };
}

/** The llmsgen commands of the workflow's steps, as argv. */
function llmsgenSteps(steps: readonly Step[]): string[][] {
  return steps.flatMap((step) => (step.run?.startsWith("npx llmsgen ") ? [step.run.slice("npx llmsgen ".length).split(" ")] : []));
}

describe("the README's transcript of init", () => {
  it("is what init prints in an empty folder", async () => {
    const transcript = /```\n\$ npx llmsgen init\n([\s\S]*?)```/.exec(README)?.[1];

    expect(await runCli(["init"], { cwd: makeProject({}) })).toEqual({ code: 0, stderr: "", stdout: transcript });
  });
});

describe("the README's GitHub Actions workflow", () => {
  it("is a complete job: checkout, setup-node, npm ci, then lint, build --check and sync-check", () => {
    const { steps } = readmeWorkflow();

    expect(steps.map((step) => step.uses?.replace(/@.*/, "") ?? step.run)).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci",
      "npx llmsgen lint --format github",
      "npx llmsgen build --check --format github",
      "npx llmsgen sync-check --format github",
    ]);
  });

  it("passes on a project made by init, and fails with annotations once an output is edited by hand", async () => {
    const project = makeProject({});
    expect((await runCli(["init"], { cwd: project })).code).toBe(0);
    const commands = llmsgenSteps(readmeWorkflow().steps);

    for (const argv of commands) expect({ argv, ...(await runCli(argv, { cwd: project })) }).toEqual({ argv, code: 0, stdout: "", stderr: "" });

    const output = path.join(project, "out/llms-full.txt");
    writeFileSync(output, readFileSync(output, "utf8").replace("This file is generated.", "This file is generated. Ask in #docs."));
    const [lint, check, sync] = await Promise.all(commands.map((argv) => runCli(argv, { cwd: project })));
    expect(lint).toEqual({ code: 0, stdout: "", stderr: "" });
    // build --check sees the hand edit a build would destroy, and annotates it as sync-check does.
    const annotation = /^::error file=out\/llms-full\.txt,line=1,endLine=5,title=llmsgen edited START_HERE::<START_HERE> was edited by hand since the last build/;
    expect(check?.code).toBe(1);
    expect(check?.stdout).toMatch(annotation);
    expect(check?.stderr.split("\n")[0]).toBe("llmsgen: nothing written: out/llms-full.txt holds hand-written text a build would destroy (START_HERE)");
    expect(sync).toEqual({ code: 1, stderr: "", stdout: check?.stdout });
    expect(sync?.stdout).toMatch(annotation);
  });
});
