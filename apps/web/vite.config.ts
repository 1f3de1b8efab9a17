import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the API runs on :3000; vite proxies the API paths to it.
const apiTarget = "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/trpc": apiTarget, "/v1": apiTarget },
  },
  build: {
    outDir: "dist",
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
