import { sha256 } from "../hash.js";
import type { Manifest, ManifestOutput, ManifestPart, PackPlan, PlannedPart } from "../model.js";

/** What the manifest records of one freshly planned output. */
function manifestEntry(plan: PackPlan): ManifestOutput {
  return {
    profile: plan.profile.name,
    encoding: plan.profile.encoding,
    tokens: plan.tokens,
    sha256: plan.sha256 ?? sha256(plan.text),
    sections: plan.sections.map((section) => ({
      tag: section.tag,
      sha256: section.sha256 !== undefined ? section.sha256 : section.text === null ? null : sha256(section.text),
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
export function nextManifest(previous: Manifest | undefined, plans: readonly PackPlan[], builtAll: boolean): Manifest {
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

/** Sorted keys, two-space indent, trailing newline: a manifest that diffs cleanly. */
export function manifestJson(manifest: Manifest): string {
  return `${JSON.stringify(sortKeys(manifest), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}
