import path from "node:path";
import type { Layout } from "../model.js";
import { TAG_LINE } from "../render/scan-markdown.js";
import { configText, type StarterFile } from "./starter-project.js";

/** What `init --from` makes a profile of: the existing file, its place below the out dir, and its wrapper. */
export interface ExistingOutput {
  /** The profile's name, from the file's name. */
  name: string;
  /** The file's path relative to the out dir, `/` separators. */
  output: string;
  wrapper?: string;
}

/**
 * The files `init --from` writes before adoption fills them in: the config,
 * and a profile for the existing file with an empty `sections:` list, into
 * which adoption inserts one entry per section of the file. Pure.
 */
export function adoptedProject(layout: Layout, configFile: string, existing: ExistingOutput): StarterFile[] {
  const profile = [
    `# The profile of ${existing.output}, made from the file by llmsgen init --from: one`,
    "# section entry per section of the file, each naming the atom made of its text.",
    `output: ${existing.output}`,
    ...(existing.wrapper === undefined ? [] : [`wrapper: ${existing.wrapper}`]),
    "sections: []",
    "",
  ].join("\n");
  return [
    { file: configFile, text: configText(layout) },
    { file: path.join(layout.profilesDir, `${existing.name}.yaml`), text: profile },
  ];
}

/** A profile name for a file: its name without the extension, as lower-case words joined by `-` (`LLMS Security.txt` → `llms-security`). */
export function profileNameOf(file: string): string {
  const words = path.basename(file, path.extname(file)).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.length === 0 ? "main" : words.join("-");
}

/**
 * The wrapper of a hand-written file of tagged sections: a tag on its first
 * line whose closing tag is its last line, with tag lines between them. A
 * file of bare sections has none.
 */
export function wrapperOf(text: string): string | undefined {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  const open = TAG_LINE.exec(lines[0] ?? "");
  const close = TAG_LINE.exec(lines[lines.length - 1] ?? "");
  if (!open || !close || open[1] !== "" || close[1] !== "/" || open[2] !== close[2] || lines.length < 3) return undefined;
  const inner = lines.slice(1, -1);
  return inner.some((line) => TAG_LINE.test(line)) ? open[2] : undefined;
}
