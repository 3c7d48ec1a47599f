import type { Manifest, ManifestOutput, ManifestPart, OutputPlan, PlannedPart } from "../model.js";

/** What the manifest records of one freshly planned output. */
function manifestEntry(plan: OutputPlan): ManifestOutput {
  return {
    profile: plan.profile.name,
    encoding: plan.profile.encoding,
    tokens: plan.tokens,
    sha256: plan.sha256,
    sections: plan.sections.map((section) => ({
      tag: section.tag,
      sha256: section.sha256,
      tokens: section.tokens,
      atoms: section.atoms.map(({ atom, state }) => ({ id: atom.id, path: atom.path, sha256: atom.sha256, state })),
    })),
    ...(plan.parts ? { parts: plan.parts.map(manifestPart) } : {}),
  };
}

/** A composed output's part: a file's path and hash, or the part profile's own record with its output path. */
function manifestPart(part: PlannedPart): ManifestPart {
  if (part.kind === "file") return { file: part.file, sha256: part.sha256, tokens: part.tokens };
  return { ...manifestEntry(part.plan), output: part.plan.profile.output };
}

/**
 * The next manifest: entries of the profiles just built replace theirs; a
 * build of every profile drops entries whose profile no longer exists, a
 * partial build keeps them.
 */
export function nextManifest(previous: Manifest | undefined, plans: readonly OutputPlan[], builtAll: boolean): Manifest {
  const outputs: Record<string, ManifestOutput> = {};
  const built = new Set(plans.map((plan) => plan.profile.name));
  if (!builtAll) {
    for (const [output, entry] of Object.entries(previous?.outputs ?? {})) {
      if (!built.has(entry.profile)) outputs[output] = entry;
    }
  }
  for (const plan of plans) outputs[plan.profile.output] = manifestEntry(plan);
  return { version: 1, outputs };
}

/**
 * The manifest a build writes before it renames any output: the last build's
 * entries as they stand, and the entries of the outputs about to be written
 * as `pending`. A run killed among the renames leaves it behind, and the next
 * run settles it from the disk (load/load-manifest.ts): an output holding its
 * pending entry's bytes was written, any other was not.
 */
export function pendingManifest(previous: Manifest | undefined, writing: readonly OutputPlan[]): Manifest {
  return { version: 1, outputs: { ...previous?.outputs }, pending: Object.fromEntries(writing.map((plan) => [plan.profile.output, manifestEntry(plan)])) };
}

/** Sorted keys, two-space indent, trailing newline: a manifest that diffs cleanly. */
export function manifestJson(manifest: Manifest): string {
  return `${JSON.stringify(sortKeys(manifest), null, 2)}\n`;
}

/** True when each key sorts after the one before it. */
function inOrder(keys: readonly string[]): boolean {
  let previous = "";
  for (const key of keys) {
    if (key < previous) return false;
    previous = key;
  }
  return true;
}

/**
 * The value with every object's keys in code-unit order. What is in order
 * already is returned as it is, not copied: a manifest holds an object per
 * atom per output (already in order), and a large project's would otherwise
 * be copied whole for each manifest text made.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortKeys(item);
      if (sorted !== item) (copy ??= [...value])[i] = sorted;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    // A loop, not entries/sort/fromEntries.
    const keys = Object.keys(value);
    const ordered = inOrder(keys);
    if (!ordered) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let copy: Record<string, unknown> | undefined;
    for (const key of keys) {
      const item: unknown = Reflect.get(value, key);
      const sorted = sortKeys(item);
      if (sorted !== item) (copy ??= recordOf(value))[key] = sorted;
    }
    if (ordered) return copy ?? value;
    const result: Record<string, unknown> = {};
    for (const key of keys) result[key] = Reflect.get(copy ?? value, key);
    return result;
  }
  return value;
}

/** A shallow copy of an object's own enumerable properties. */
function recordOf(value: object): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(value)) record[key] = Reflect.get(value, key);
  return record;
}
