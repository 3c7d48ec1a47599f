import type { Caches } from "./cache/open-caches.js";
import { atomTextReader } from "./load/read-atom-text.js";
import type { Layout, OutputPlan, PackPlan, RestoredPlan, TextSource } from "./model.js";
import { renderRestored } from "./pack/plan-cache.js";

/**
 * The run's source of deferred texts (model.ts TextSource): atoms known by
 * their file's hash alone are read from their files, plans restored from the
 * cache are rendered; each once, on the first call that needs it.
 */
export function textSource(layout: Layout, caches: Pick<Caches, "atoms" | "files">): TextSource {
  const atom = atomTextReader(layout, caches);
  const rendered = new Map<RestoredPlan, PackPlan>();
  const plan = (restored: OutputPlan): PackPlan => {
    if (restored.text !== undefined) return restored;
    let made = rendered.get(restored);
    if (!made) {
      made = renderRestored(restored, atom);
      rendered.set(restored, made);
    }
    return made;
  };
  return { atom, plan };
}
