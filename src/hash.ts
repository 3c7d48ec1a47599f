import { createHash } from "node:crypto";

/** Hex sha256 of a text or bytes: the one hash behind manifests, cache keys and checksums. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
