import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default", "./test/count-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here and in CI: end-to-end suites spawn node processes of their own.
    maxWorkers: 2,
  },
});
