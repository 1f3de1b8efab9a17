/* eslint-disable @typescript-eslint/no-explicit-any -- corpus bodies are arbitrary JSON, compared field by field */
/**
 * Issue 12 §5/§6: create bodies written by others for Meta (Meta's docs, Meta's OpenAPI examples, public code), kept
 * verbatim in fixtures/meta-real/create/, each sent over REST to POST /v1/{phone_number_id}/templates. Every one must
 * be accepted (201) and what reached the sandbox — Meta's create call, captured from the gateway's fetch — must mean
 * the same as the original: nothing dropped, only Meta's own spellings normalised (upper-case enums, `+` on phone
 * numbers, the app of a one-tap button in supported_apps, a percent-encoded signature hash decoded).
 * Two things are account-specific and replaced before sending: media upload handles (they belong to the app that
 * uploaded them; the sandbox issues fresh ones) and, where two bodies share a name + language, the name.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const CORPUS_DIR = fileURLToPath(new URL("../../../fixtures/meta-real/create/", import.meta.url));
const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;

interface CorpusEntry {
  file: string;
  source: string;
  note: string;
  body: Record<string, any>;
}

const corpus: CorpusEntry[] = readdirSync(CORPUS_DIR)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => ({
    file,
    ...(JSON.parse(readFileSync(`${CORPUS_DIR}${file}`, "utf8")) as Omit<CorpusEntry, "file">),
  }));

const MEDIA_TYPES: Record<string, string> = { IMAGE: "image/jpeg", VIDEO: "video/mp4", DOCUMENT: "application/pdf" };
const upper = (value: unknown) => (typeof value === "string" ? value.toUpperCase() : value);

/**
 * One canonical form for a create body as Meta reads it, applied to the original and to what the sandbox received:
 * Meta treats these spellings as the same template, so they must compare equal — and any field lost on the way
 * (a TTL, an app, a sample) makes the two differ.
 */
function canonical(body: Record<string, any>): Record<string, any> {
  const { message_send_ttl_seconds: ttl, parameter_format: format, ...rest } = body;
  return {
    ...rest,
    category: upper(body.category),
    ...(ttl === undefined ? {} : { message_send_ttl_seconds: Number(ttl) }),
    // POSITIONAL is Meta's default: saying it or not means the same.
    ...(format === undefined || upper(format) === "POSITIONAL" ? {} : { parameter_format: upper(format) }),
    components: (body.components as any[]).map(canonicalComponent),
  };
}

function canonicalComponent(component: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...component, type: upper(component.type) };
  if (component.format !== undefined) out.format = upper(component.format);
  if (Array.isArray(component.buttons)) out.buttons = component.buttons.map(canonicalButton);
  // Meta's carousel pages: one body variable's sample may be written as a bare string.
  if (typeof component.example?.body_text === "string")
    out.example = { ...component.example, body_text: [[component.example.body_text]] };
  if (Array.isArray(component.cards)) {
    out.cards = component.cards.map((card: Record<string, any>) => ({
      ...card,
      components: (card.components as any[]).map(canonicalComponent),
    }));
  }
  return out;
}

function canonicalButton(button: Record<string, any>): Record<string, any> {
  const { package_name, signature_hash, ...rest } = button;
  const out: Record<string, any> = { ...rest, type: upper(button.type) };
  if (button.otp_type !== undefined) out.otp_type = upper(button.otp_type);
  if (typeof button.phone_number === "string" && !button.phone_number.startsWith("+"))
    out.phone_number = `+${button.phone_number}`;
  if (out.type === "COPY_CODE" && Array.isArray(button.example)) out.example = button.example[0];
  const apps = package_name === undefined ? button.supported_apps : [{ package_name, signature_hash }];
  if (apps !== undefined) {
    out.supported_apps = (apps as any[]).map((app) => ({
      ...app,
      signature_hash: decodeURIComponent(app.signature_hash),
    }));
  }
  return out;
}

describe.each(databaseKinds())("real Meta create bodies over REST on %s", (kind) => {
  let stack: Stack;
  /** Bodies of Meta create calls, in the order the gateway sent them. */
  const sentToMeta: Record<string, any>[] = [];
  const usedNames = new Set<string>();

  beforeAll(async () => {
    stack = await startStack(kind, {
      // No demo inventory: a corpus name must not collide with a seeded template on the sandbox.
      sandbox: { demoTemplateCount: 0 },
      gateway: {
        fetch: async (input, init) => {
          const url = String(input instanceof Request ? input.url : input);
          if (init?.method === "POST" && url.endsWith("/message_templates") && typeof init.body === "string") {
            sentToMeta.push(JSON.parse(init.body) as Record<string, any>);
          }
          return fetch(input, init);
        },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("holds at least 25 bodies, each with its source", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(31);
    for (const entry of corpus) expect(entry.source.length, entry.file).toBeGreaterThan(10);
  });

  it.each(corpus.map((entry) => [entry.file, entry] as const))(
    "%s is accepted and reaches Meta unchanged in meaning",
    async (_file, entry) => {
      const body = structuredClone(entry.body);
      // Account-specific values: this app's own upload handles, and a name not used by an earlier corpus body.
      for (const component of body.components as any[]) {
        const mediaType = MEDIA_TYPES[String(upper(component.format))];
        if (mediaType !== undefined && Array.isArray(component.example?.header_handle)) {
          component.example.header_handle = component.example.header_handle.map(() =>
            stack.sandbox.control.createMediaHandle(mediaType),
          );
        }
      }
      // Meta's OpenAPI examples leave the name as the placeholder `<TEMPLATE_NAME>`: fill it from the file name.
      if (!/^[a-z0-9_]+$/.test(String(body.name)))
        body.name = entry.file.replace(/\.json$/, "").replace(/[^a-z0-9]+/g, "_");
      let name = String(body.name);
      for (let n = 2; usedNames.has(`${name}/${body.language}`); n++) name = `${body.name}_${n}`;
      usedNames.add(`${name}/${body.language}`);
      body.name = name;

      const before = sentToMeta.length;
      const res = await call(stack.baseUrl, "POST", TEMPLATES, { token: stack.demoKey, body });
      expect(res.status, res.text).toBe(201);
      expect(res.body.data).toMatchObject({ name, status: "pending", category: String(upper(body.category)) });
      expect(sentToMeta.length).toBe(before + 1);
      expect(canonical(sentToMeta[before] ?? {})).toEqual(canonical(body));
    },
  );
});
