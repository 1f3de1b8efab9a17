#!/usr/bin/env node
/** `kirim` — the operator CLI entry point (see ./run.ts and the README's "Operator CLI" section). */
import { runCli } from "./run.js";

process.exitCode = await runCli(process.argv.slice(2), {
  // No `env`: configuration is read by loadEnv (src/env.ts), exactly as the server reads it.
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
