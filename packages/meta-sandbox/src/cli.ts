#!/usr/bin/env node
// Standalone start: `node dist/cli.js --port 4010 [--seed 42] [--templates 150] [--review-delay 3000|manual]
//   [--webhook-url http://127.0.0.1:3000/webhooks/meta --verify-token t [--app-secret s]]`.
import { parseArgs } from "node:util";

import { startMetaSandbox } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    seed: { type: "string", default: "42" },
    templates: { type: "string", default: "150" },
    "review-delay": { type: "string", default: "3000" },
    "webhook-url": { type: "string" },
    "verify-token": { type: "string", default: "sandbox-verify-token" },
    "app-secret": { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(
    "Usage: meta-sandbox [--port 4010] [--seed 42] [--templates 150] [--review-delay 3000|manual]\n" +
      "                    [--webhook-url <loopback url> --verify-token <token> [--app-secret <secret>]]\n" +
      "Serves Meta's WhatsApp template Graph API on 127.0.0.1; control API under /_sandbox.\n",
  );
  process.exit(0);
}

const integer = (name: string, raw: string): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
};

const reviewDelay = values["review-delay"] === "manual" ? null : integer("review-delay", values["review-delay"]);
const sandbox = await startMetaSandbox({
  port: integer("port", values.port),
  seed: integer("seed", values.seed),
  demoTemplateCount: integer("templates", values.templates),
  reviewDelayMs: reviewDelay,
  ...(values["webhook-url"]
    ? {
        webhook: {
          url: values["webhook-url"],
          verifyToken: values["verify-token"],
          ...(values["app-secret"] ? { appSecret: values["app-secret"] } : {}),
        },
      }
    : {}),
});

process.stdout.write(
  `Meta sandbox listening on ${sandbox.url}\n` +
    `  graph URL     ${sandbox.graphUrl}\n` +
    `  demo WABA     ${sandbox.demo.wabaId}\n` +
    `  access token  ${sandbox.demo.accessToken}\n` +
    `  app id        ${sandbox.demo.appId}\n` +
    `  control API   ${sandbox.url}/_sandbox\n` +
    (values["webhook-url"] ? `  webhooks to   ${values["webhook-url"]}\n` : ""),
);

const shutdown = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
