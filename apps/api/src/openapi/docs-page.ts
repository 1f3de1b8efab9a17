/**
 * The interactive API reference at `/docs`, rendered by Scalar's API reference from OUR server only.
 *
 * Why Scalar's standalone bundle: it is a maintained, offline-capable renderer with a request console, shipped
 * as one self-contained browser file (`dist/browser/standalone.js`, no lazy chunks) inside the npm package, so
 * nothing large is vendored into this repository and the version is pinned by the pnpm catalog. The express
 * wrapper (`@scalar/express-api-reference`) is not used: its page imports the bundle from a public CDN, which
 * renders a blank page offline. Instead the page below loads the bundle from `/docs/assets/`, and the
 * configuration turns off everything that would reach the network: Scalar's web fonts (system fonts are used),
 * telemetry, the AI agent, and the request proxy (the "try it" console calls this same origin directly).
 *
 * The mount point must NOT be `#api-reference`: the bundle auto-mounts a second, unconfigured instance on an
 * element with that id (with web fonts from Scalar's CDN and no document).
 *
 * No inline script: the configuration is a separate same-origin file, so a strict Content-Security-Policy
 * (`script-src 'self'`) keeps working.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DOCS_PATH, OPENAPI_JSON_PATH } from "./route-spec.js";

export const DOCS_ASSETS_PATH = `${DOCS_PATH}/assets`;
export const SCALAR_BUNDLE_PATH = `${DOCS_ASSETS_PATH}/scalar-standalone.js`;
export const DOCS_INIT_PATH = `${DOCS_ASSETS_PATH}/init.js`;

/**
 * Absolute path of Scalar's standalone browser bundle in node_modules. The package's `exports` do not expose
 * `dist/browser/`, so resolve the main entry (`dist/index.js`) and step to its sibling folder. Works the same
 * from `src/` (tsx, vitest) and `dist/` (node).
 */
export function resolveScalarBundle(): string {
  const main = createRequire(import.meta.url).resolve("@scalar/api-reference");
  const bundle = join(dirname(main), "browser", "standalone.js");
  if (!existsSync(bundle)) {
    throw new Error(`Scalar's standalone bundle is missing at ${bundle}; reinstall @scalar/api-reference.`);
  }
  return bundle;
}

export function docsHtml(title: string): string {
  const safeTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${safeTitle} — reference</title>
  </head>
  <body>
    <div id="reference"></div>
    <noscript>This reference needs JavaScript. The raw document is at <a href="${OPENAPI_JSON_PATH}">${OPENAPI_JSON_PATH}</a>.</noscript>
    <script src="${SCALAR_BUNDLE_PATH}"></script>
    <script src="${DOCS_INIT_PATH}"></script>
  </body>
</html>
`;
}

/** Scalar configuration (a same-origin script, see above). */
export function docsInitScript(): string {
  const config = {
    url: OPENAPI_JSON_PATH,
    // Offline: no web fonts, no telemetry, no AI agent, no third-party request proxy.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: "never",
    proxyUrl: "",
    documentDownloadType: "json",
    defaultOpenAllTags: true,
  };
  return `Scalar.createApiReference("#reference", ${JSON.stringify(config, null, 2)});\n`;
}
