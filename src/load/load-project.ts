import path from "node:path";
import { throwIfIssues } from "../errors.js";
import type { Atom, Issue, Layout, Manifest, ResolvedProfile } from "../model.js";
import { scanMarkdown } from "../render/scan-markdown.js";
import { displayPath } from "./layout.js";
import { loadAtoms } from "./load-atoms.js";
import { loadManifest } from "./load-manifest.js";
import { loadProfiles } from "./load-profiles.js";
import { resolveProfile } from "./resolve-profile.js";

export interface Project {
  layout: Layout;
  atoms: Atom[];
  profiles: ResolvedProfile[];
  /** True when every profile of the profiles dir is loaded. */
  allProfiles: boolean;
  manifest: Manifest | undefined;
}

/**
 * Reads atoms, the chosen profiles and the manifest, and checks all of it;
 * throws one InputError listing every problem found.
 */
export function loadProject(layout: Layout, selected: readonly string[] = [], cwd?: string): Project {
  const { atoms, failed, issues } = loadAtoms(layout);
  const loaded = loadProfiles(layout, selected, cwd);
  issues.push(...loaded.issues);
  const profiles: ResolvedProfile[] = [];
  for (const profile of loaded.profiles) {
    const result = resolveProfile(profile, atoms, displayPath(layout, profile.file), failed);
    issues.push(...result.issues);
    if (result.resolved) profiles.push(result.resolved);
  }
  issues.push(...structureIssues(profiles, layout));
  throwIfIssues(issues);
  return { layout, atoms, profiles, allProfiles: loaded.all, manifest: loadManifest(layout) };
}

/** Atoms whose text would break the structure of an output they go into (SPEC §10). */
export function structureIssues(profiles: readonly ResolvedProfile[], layout: Layout): Issue[] {
  const used = new Set(profiles.flatMap((profile) => profile.sections.flatMap((section) => section.atoms)));
  return [...used].flatMap((atom) => atomStructureIssues(atom, displayPath(layout, path.join(layout.atomsDir, atom.path))));
}

export function atomStructureIssues(atom: Atom, file: string): Issue[] {
  const scan = scanMarkdown(atom.text);
  const issues: Issue[] = scan.tagLines.map(({ line, text }) => ({
    file,
    line: atom.bodyLine + line - 1,
    message: `line '${text}' would read as a section tag in every output: indent it, or put it inside a code fence`,
  }));
  if (scan.unclosedFence !== undefined) {
    const opening = (atom.text.split("\n")[scan.unclosedFence - 1] ?? "").trim();
    issues.push({
      file,
      line: atom.bodyLine + scan.unclosedFence - 1,
      message: `code fence '${opening}' never closes: add a closing fence line, or the rest of every output would read as code`,
    });
  }
  return issues;
}
