import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import type { Plugin } from "vite";

/** Writes `.br` and `.gz` next to every text asset so the API serves them without compressing per request. */
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "kirim-precompress",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
        );
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const source = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(source, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}

// In development the API runs on :3000; vite proxies the API paths to it.
const apiTarget = "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    proxy: { "/trpc": apiTarget, "/v1": apiTarget },
  },
  build: {
    outDir: "dist",
    // Maps are built for operators; the API serves them only with DASHBOARD_SOURCE_MAPS=true.
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks, named for what they hold; zod loads only with the template pages.
        codeSplitting: {
          groups: [
            { name: "vendor-react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: "vendor-data", test: /node_modules[\\/]@(tanstack|trpc)[\\/]/ },
            { name: "vendor-zod", test: /node_modules[\\/]zod[\\/]/ },
          ],
        },
      },
    },
  },
});
