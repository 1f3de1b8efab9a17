// One lint config for the workspace. Besides the recommended rules it enforces the package
// boundaries of ARCHITECTURE.md, so a wrong arrow fails `pnpm test` instead of a review.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const serverOnly = ["express", "express/*", "@trpc/*", "react", "react-dom", "react/*"];

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      "**/coverage/**",
      "**/.data/**",
      "**/test-results/**",
    ],
  },
  js.configs.recommended,
  // Type-aware: every TypeScript file is linted with its own tsconfig (the project service finds it).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          // Files no package tsconfig includes: the SDK's vitest config and the packaging fixtures, which are
          // compiled in throw-away projects of their own (test/packaging.test.ts).
          allowDefaultProject: [
            "packages/sdk/vitest.config.ts",
            "packages/sdk/test/fixtures/consumer/example.ts",
            "packages/sdk/test/fixtures/trpc-consumer/trpc-client-alone.ts",
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration only in the app's env.ts." },
      ],
    },
  },
  {
    // Plain JavaScript (configs, scripts) belongs to no tsconfig: the type-aware rules do not apply to it.
    files: ["**/*.{js,mjs,cjs}"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests read JSON answers (`res.body.data.name`) whose shape is what they assert: the values are `any` by design,
    // and `expect` is the check. Every other type-aware rule (floating promises, misused promises, …) applies.
    files: ["**/*.test.ts", "**/*.test.tsx", "**/test/**", "**/e2e/**", "**/testing/**"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Configuration is read in exactly one place per app; tests and tools may read their own knobs.
    files: [
      "**/env.ts",
      "**/*.test.ts",
      "**/*.test.tsx",
      "**/test/**",
      "**/testing/**",
      "**/*.config.ts",
      "**/bench/**",
      "**/scripts/**",
      "**/e2e/**",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["packages/schema/src/**/*.ts"],
    ignores: ["packages/schema/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!zod($|/)|\\.)", message: "@kirim/schema imports zod only." }] },
      ],
    },
  },
  {
    // The SDK runs in browsers, Deno and Bun: fetch and Web Crypto only; the wire types come from schema as types.
    files: ["packages/sdk/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\.)",
              allowTypeImports: true,
              message: "@kirim/sdk has no runtime imports: types only from @kirim/schema / zod.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/core/**/*.ts"],
    ignores: ["packages/core/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: serverOnly, message: "core is framework-free: no express, tRPC or React." }] },
      ],
    },
  },
  {
    // SQL only in repositories (ARCHITECTURE.md, "core by domain"): services call `*.repository.ts` functions.
    files: ["packages/core/src/**/*.ts"],
    ignores: [
      "packages/core/src/**/*.repository.ts",
      "packages/core/src/db/**", // migrations, the dialects, the migrator
      "packages/core/src/**/*.test.ts",
      "packages/core/src/testing/**",
    ],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]",
          message: "SQL only in *.repository.ts: add a repository function and call it.",
        },
        {
          selector: "TaggedTemplateExpression[tag.name='sql']",
          message: "SQL only in *.repository.ts: add a repository function and call it.",
        },
        {
          selector: "MemberExpression[object.name='sql']",
          message: "SQL only in *.repository.ts: add a repository function and call it.",
        },
      ],
    },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@kirim/core", "@kirim/core/*", "@kirim/api", "@kirim/meta-sandbox"],
              allowTypeImports: true,
              message: "The web app imports server code as types only.",
            },
          ],
        },
      ],
    },
  },
);
