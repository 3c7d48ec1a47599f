import path from "node:path";
import { openCaches } from "./cache/open-caches.js";
import { InputError } from "./errors.js";
import { closest } from "./load/closest.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject } from "./load/load-project.js";
import type { AtomState, OutputPlan, PackReason } from "./model.js";
import { planBuild } from "./plan-build.js";

export interface ExplainOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
}

/** Where an atom lands in one profile's output, and what the budgets made of it. */
export interface AtomPlacement {
  profile: string;
  /** The output, relative to the root. */
  output: string;
  section: string;
  /** 1-based place of the section among the profile's sections, and of the atom within its section. */
  sectionPosition: number;
  position: number;
  /** How many atoms the section holds. */
  of: number;
  state: AtomState;
  tokens: number;
  required: boolean;
  reason?: PackReason;
  /** In a composed output: the part profile whose output holds the atom (the innermost, for parts of parts). */
  part?: string;
}

export interface Explanation {
  atom: { id: string; title: string; path: string; tag: string; priority: number; required: boolean };
  /** Every place a profile renders the atom, in profile order. */
  placements: AtomPlacement[];
  /** Profiles (not indexes) that do not render it. */
  absent: string[];
}

/**
 * Tells where an atom goes in every profile (section and position) and what
 * happened to it there: kept full, degraded to its brief or dropped, its
 * tokens and why. `which` is an atom id, or the path of an atom file (ending
 * `.md`, relative to the current directory). Reads only.
 */
export function explain(which: string, options: ExplainOptions = {}): Explanation {
  const layout = resolveLayout(options);
  const caches = openCaches(layout, options.warn ?? (() => {}));
  const project = loadProject(layout, options, caches);
  const asPath = which.endsWith(".md") ? path.resolve(options.cwd ?? process.cwd(), which) : undefined;
  const atom = project.atoms.find((candidate) => (asPath ? path.join(layout.atomsDir, candidate.path) === asPath : candidate.id === which));
  if (!atom) {
    const hint = asPath ? undefined : closest(which, project.atoms.map((candidate) => candidate.id));
    const what = asPath ? `no atom file ${displayPath(layout, asPath)} here` : `no atom with id '${which}'`;
    throw new InputError([{ file: displayPath(layout, layout.atomsDir), message: `${what}${hint ? ` (did you mean '${hint}'?)` : ""}: give the id from an atom's frontmatter, or the path of its file` }]);
  }
  const placements: AtomPlacement[] = [];
  const absent: string[] = [];
  for (const plan of planBuild(project, caches, options.warn ? { warn: options.warn } : {}).plans) {
    if (plan.profile.index) continue;
    const before = placements.length;
    const output = displayPath(layout, path.join(layout.outDir, plan.profile.output));
    for (const place of placementsIn(plan, atom.id, undefined)) placements.push({ profile: plan.profile.name, output, ...place });
    if (placements.length === before) absent.push(plan.profile.name);
  }
  const { id, title, tag, priority, required } = atom;
  return { atom: { id, title, path: displayPath(layout, path.join(layout.atomsDir, atom.path)), tag, priority, required }, placements, absent };
}

/** Where the atom stands in a plan's sections, and in the sections of its parts (naming the part profile). */
function placementsIn(plan: OutputPlan, id: string, part: string | undefined): Omit<AtomPlacement, "profile" | "output">[] {
  const found: Omit<AtomPlacement, "profile" | "output">[] = [];
  plan.sections.forEach((section, sectionIndex) => {
    section.atoms.forEach((planned, index) => {
      if (planned.atom.id !== id) return;
      found.push({
        section: section.tag,
        sectionPosition: sectionIndex + 1,
        position: index + 1,
        of: section.atoms.length,
        state: planned.state,
        tokens: planned.tokens,
        required: planned.required,
        ...(planned.reason ? { reason: planned.reason } : {}),
        ...(part === undefined ? {} : { part }),
      });
    });
  });
  for (const each of plan.parts ?? []) {
    if (each.kind === "profile") found.push(...placementsIn(each.plan, id, part ?? each.plan.profile.name));
  }
  return found;
}
