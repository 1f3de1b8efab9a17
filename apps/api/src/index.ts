/**
 * @kirim/api's package entry: types only, so apps/web can `import type { AppRouter } from "@kirim/api"`
 * without pulling server code into the browser bundle.
 *
 * @example
 *   import type { AppRouter, RouterInputs, RouterOutputs } from "@kirim/api";
 *   type Template = RouterOutputs["templates"]["get"][number];
 *   type CreateInput = RouterInputs["templates"]["create"];
 */
export type { AppRouter, RouterInputs, RouterOutputs } from "./trpc/root.js";
export type { KirimErrorData } from "./trpc/trpc.js";
