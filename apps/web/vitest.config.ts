import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    environment: "jsdom",
    reporters: ["default", "json"],
    outputFile: { json: "./test-results/vitest.json" },
    passWithNoTests: false,
  },
});
