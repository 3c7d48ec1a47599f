import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { ExampleChecker, Issue, Layout } from "../model.js";
import type { ProjectConfig } from "./load-config.js";

export interface LayoutOptions {
  /** Directory relative flag values resolve against; default `process.cwd()`. */
  cwd?: string;
  root?: string;
  atoms?: string;
  profiles?: string;
  out?: string;
  /** Cache dir; default `<root>/.llmsgen-cache`; false turns caching off. */
  cache?: string | false;
  /** Receives warnings that never stop a run, such as a corrupt cache being ignored. */
  warn?: (message: string) => void;
  /** Frontmatter keys the project declares as its own: never flagged as misspelt known keys. */
  knownKeys?: readonly string[];
  /**
   * Checkers for fenced examples from the project's config, by fence language: a command with
   * `{file}` where the example's file goes (`lint --examples` adds them to each profile's own).
   */
  exampleCheckers?: { readonly file: string; readonly checkers: readonly ExampleChecker[] };
}

/**
 * The options a command runs with: its flags over the project's config. A
 * flag resolves against the current directory, as in every CLI; a config
 * value against the config: `root` against the config file's directory,
 * the other dirs against the root (the `--root` flag's, when given).
 */
export function withConfig(flags: LayoutOptions, config: ProjectConfig | undefined): LayoutOptions {
  if (!config) return flags;
  const cwd = flags.cwd ?? process.cwd();
  const root = flags.root === undefined ? path.resolve(config.dir, config.root ?? ".") : path.resolve(cwd, flags.root);
  const fromConfig = (value: string | undefined) => (value === undefined ? undefined : path.resolve(root, value));
  const pick = (flag: string | undefined, configured: string | undefined) => flag ?? fromConfig(configured);
  const cache = flags.cache !== undefined ? flags.cache : config.cache === false ? false : fromConfig(config.cache);
  return {
    ...flags,
    cwd,
    root,
    atoms: pick(flags.atoms, config.atoms),
    profiles: pick(flags.profiles, config.profiles),
    out: pick(flags.out, config.out),
    ...(cache === undefined ? {} : { cache }),
    knownKeys: [...config.knownKeys, ...(flags.knownKeys ?? [])],
    ...(flags.exampleCheckers === undefined && config.examples.length > 0 ? { exampleCheckers: { file: config.shown, checkers: config.examples } } : {}),
  };
}

/** Resolves `--root/--atoms/--profiles/--out` the way every CLI does: against the current directory. */
export function resolveLayout(options: LayoutOptions = {}): Layout {
  const cwd = options.cwd ?? process.cwd();
  const root = path.resolve(cwd, options.root ?? ".");
  const under = (flag: string | undefined, fallback: string) =>
    flag === undefined ? path.join(root, fallback) : path.resolve(cwd, flag);
  return {
    root,
    atomsDir: under(options.atoms, "atoms"),
    profilesDir: under(options.profiles, "profiles"),
    outDir: under(options.out, "out"),
    cacheDir: options.cache === false ? null : under(options.cache, ".llmsgen-cache"),
  };
}

/** A path as messages show it: relative to the root, with `/` separators. */
export function displayPath(layout: Layout, absolute: string): string {
  const relative = path.relative(layout.root, absolute);
  return (relative === "" ? "." : relative).split(path.sep).join("/");
}

/** `a/b` style path of `absolute` below `base`. */
export function slashRelative(base: string, absolute: string): string {
  return path.relative(base, absolute).split(path.sep).join("/");
}

/** True when `target` is `base` or lies below it, by path text alone. */
export function isWithin(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * True when `target`, after resolving `..` and every symlink that exists on
 * the way, still lies inside `base`. Parts that do not exist yet are taken as
 * written below their deepest existing ancestor.
 */
export function staysWithin(base: string, target: string): boolean {
  const realBase = existsSync(base) ? realpathSync(base) : path.resolve(base);
  let existing = path.resolve(target);
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  const real = path.join(existsSync(existing) ? realpathSync(existing) : existing, ...rest);
  return isWithin(realBase, real);
}

/**
 * Why the layout cannot be used, if it cannot: the root must be an existing
 * directory, and the out dir must not be (or lie in) the atoms or profiles
 * dir, nor either of those be (or lie in) another of the three, since a build
 * would write among its own input. The one exception: the out dir may be the
 * root itself, holding the others (outputs beside the sources, as
 * `init --from` sets up); outputs are then kept out of the input dirs.
 */
export function layoutProblem(layout: Layout): Issue | undefined {
  const root = rootProblem(layout);
  if (root) return root;
  const dirs = [
    { name: "out", dir: layout.outDir },
    { name: "atoms", dir: layout.atomsDir },
    { name: "profiles", dir: layout.profilesDir },
  ];
  for (const inner of dirs) {
    for (const outer of dirs) {
      if (inner === outer || !isWithin(outer.dir, inner.dir)) continue;
      if (outer.name === "out" && outer.dir === layout.root && inner.dir !== outer.dir) continue;
      const where = inner.dir === outer.dir ? "is the same dir as" : "lies inside";
      return {
        file: displayPath(layout, inner.dir),
        setup: true,
        message: `the ${inner.name} dir ${where} the ${outer.name} dir ${displayPath(layout, outer.dir)}: give each of out, atoms and profiles a dir of its own (--${inner.name}, or '${inner.name}:' in the config)`,
      };
    }
  }
  return undefined;
}

/** Why the project root cannot be used, if it cannot: it must be an existing directory (nothing creates it). */
export function rootProblem(layout: Layout): Issue | undefined {
  let isDirectory = false;
  try {
    isDirectory = statSync(layout.root).isDirectory();
  } catch {
    return { file: layout.root, setup: true, message: "project root not found: give --root an existing directory (default: the current directory)" };
  }
  return isDirectory ? undefined : { file: layout.root, setup: true, message: "the project root is not a directory: give --root a directory" };
}
