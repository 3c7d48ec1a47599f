import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // The cache key lives in the user's state dir: tests (and the CLIs they start) keep theirs apart.
    env: { XDG_STATE_HOME: path.join(os.tmpdir(), "llmsgen-test-state") },
  },
});
