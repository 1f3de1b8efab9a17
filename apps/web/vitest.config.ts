import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
    // jsdom renders are CPU-bound; CI runs every package at once on 2 cores.
    testTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: "./test-results/vitest.json" },
    passWithNoTests: false,
  },
});
