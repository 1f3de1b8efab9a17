/**
 * Child process: the Meta sandbox with `--templates N` demo templates, reviewed only on request (so no status
 * changes behind the bench's back). Prints one JSON line `{url, wabaId, accessToken}`; the bench drives it through
 * the sandbox's HTTP control API (`/_sandbox`) and stops it with SIGTERM.
 *
 * A process of its own so that serving Meta's pages never shares an event loop with the process being measured
 * or with the baselines.
 */
import { parseArgs } from "node:util";
import { startMetaSandbox } from "@kirim/meta-sandbox";

const { values } = parseArgs({ options: { templates: { type: "string", default: "6000" } } });
const templates = Number(values.templates);
if (!Number.isInteger(templates) || templates < 1)
  throw new Error(`--templates must be a positive integer, got ${values.templates}`);

const sandbox = await startMetaSandbox({
  port: 0,
  demoTemplateCount: templates,
  // Room for the create benchmark's templates on top of the seeded ones (Meta's own cap is 6,000).
  demoTemplateLimit: templates + 1_000,
  reviewDelayMs: null,
});
process.stdout.write(
  `${JSON.stringify({ url: sandbox.url, wabaId: sandbox.demo.wabaId, accessToken: sandbox.demo.accessToken })}\n`,
);

const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
