import { DEFAULT_MEDIA_FETCH_POLICY } from "./policy.js";
import type { MediaFetchPolicy } from "./policy.js";
import type { MediaResolver } from "./address-guard.js";
import { mediaErrorToDomainError } from "./domain.js";
import { isMediaError } from "./errors.js";
import type { MediaConnector } from "./fetch-media.js";
import { isMediaHeaderComponent, prepareMediaHeader, withMetaHeaderHandle } from "./prepare.js";
import type { MediaHeaderComponentInput } from "./prepare.js";

/**
 * How `createCore` uploads header samples (`CoreOptions.media`). Without it, a URL sample is refused
 * (before anything is downloaded) and only real Meta handles pass through.
 */
export interface CoreMediaOptions {
  /**
   * Graph base URL exactly as given to `createMetaGateway`: without a version (`https://graph.facebook.com`,
   * a sandbox's `url`), or ending in one (`…/v23.0`, a sandbox's `graphUrl`), in which case that version wins.
   */
  graphUrl: string;
  /** e.g. `v23.0`; ignored when `graphUrl` already ends in a version (as the gateway does). */
  apiVersion: string;
  /** Meta app id: upload sessions are opened on `/{app_id}/uploads`. Unset/empty → URL samples are refused. */
  appId: string | undefined;
  /** Built once at start with `createMediaFetchPolicy` (it validates the settings). */
  policy: MediaFetchPolicy;
  /** Name resolution for the SSRF check (tests inject one; default: the system resolver). */
  resolver?: MediaResolver | undefined;
  /** Socket opener for the sample download (tests wrap it; default: the pinned-address connector). */
  connector?: MediaConnector | undefined;
  /** fetch used for the Resumable Upload calls to Graph (default: the global). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Upload budgets; see `uploadMediaToMeta`. */
  upload?: { timeoutMs?: number; transferTimeoutMs?: number; maxResumeAttempts?: number } | undefined;
}

/**
 * Splits a gateway-style graphUrl into the `{graphUrl, apiVersion}` pair `uploadMediaToMeta` wants, with the
 * same rule as the gateway's `graphBaseUrl`: a trailing `/vNN.N` segment is the version to use.
 */
export function uploadTarget(graphUrl: string, apiVersion: string): { graphUrl: string; apiVersion: string } {
  const trimmed = graphUrl.replace(/\/+$/, "");
  const versioned = /^(.*)\/(v\d+\.\d+)$/.exec(trimmed);
  if (versioned?.[1] !== undefined && versioned[2] !== undefined)
    return { graphUrl: versioned[1], apiVersion: versioned[2] };
  return { graphUrl: trimmed, apiVersion: apiVersion.replace(/^\/+|\/+$/g, "") };
}

/** Whether `toMetaComponentsWithMedia` has a media header to prepare (download, upload or check) in these components. */
export function hasMediaHeader(components: readonly unknown[]): boolean {
  return components.some((component) => isMediaHeaderComponent(component as MediaHeaderComponentInput));
}

/**
 * The components as Meta must receive them on create: every IMAGE/VIDEO/DOCUMENT header sample given as a URL
 * (`example.header_url[0]`, or an https value in `header_handle`) is downloaded under the policy and uploaded
 * with the Resumable Upload API, and its handle replaces the URL; a real handle passes through unchanged.
 * `header_url` is dropped everywhere (Meta does not know the field). The input is not modified, so the caller
 * can store the original components.
 *
 * Throws `DomainError` (from `mediaErrorToDomainError`, `param` = `components[i].example.header_url[0]`).
 * Samples are handled one after the other, so a refused one stops the create before anything more is uploaded
 * and before the template reaches Meta.
 */
export async function toMetaComponentsWithMedia(
  components: readonly unknown[],
  media: CoreMediaOptions | undefined,
  accessToken: string,
): Promise<Array<Record<string, unknown> & { type: string }>> {
  const out: Array<Record<string, unknown> & { type: string }> = [];
  for (const [index, raw] of components.entries()) {
    const component = raw as MediaHeaderComponentInput;
    if (!isMediaHeaderComponent(component)) {
      out.push(withButtonsInMetaSyntax(withoutHeaderUrl(component)));
      continue;
    }
    const target =
      media === undefined ? { graphUrl: "", apiVersion: "" } : uploadTarget(media.graphUrl, media.apiVersion);
    try {
      const prepared = await prepareMediaHeader({
        component,
        componentIndex: index,
        policy: media?.policy ?? DEFAULT_MEDIA_FETCH_POLICY,
        resolver: media?.resolver,
        connector: media?.connector,
        // No media configuration → an empty app id: prepareMediaHeader refuses a URL sample before any
        // download ("not configured") and still passes a real handle through.
        upload: { ...target, appId: media?.appId ?? "", accessToken, fetch: media?.fetch, ...media?.upload },
      });
      out.push(withMetaHeaderHandle(component, prepared.handle));
    } catch (error) {
      if (isMediaError(error)) throw mediaErrorToDomainError(error);
      throw error;
    }
  }
  return out;
}

function withoutHeaderUrl(component: MediaHeaderComponentInput): Record<string, unknown> & { type: string } {
  const example = component.example;
  if (example === undefined || example === null || typeof example !== "object" || !("header_url" in example))
    return { ...component };
  const { header_url: _notForMeta, ...rest } = example;
  return { ...component, example: rest };
}

/**
 * Meta's older ONE_TAP syntax puts one app on the OTP button (`package_name`, `signature_hash`); Graph v21.0 and later
 * take it only in `supported_apps` (docs/reference/meta-templates.md §2.5). Sent in the current form, so the app reaches Meta.
 */
function withAppsInSupportedApps(button: Record<string, unknown>): Record<string, unknown> {
  if (button.type !== "OTP" || button.package_name === undefined) return button;
  const { package_name, signature_hash, ...rest } = button;
  return { ...rest, supported_apps: [{ package_name, signature_hash }] };
}

/**
 * Buttons in Meta's create syntax: OTP apps in `supported_apps` (above), and a COPY_CODE `example` as a bare string.
 * Our API takes a COPY_CODE button's `example` as `string[]` (the seed types every button example that way; the
 * code is its first item), but Meta's create syntax is a bare string (`"example": "250FF"`, docs/reference/meta-templates.md
 * §1.2): sent as an array, Meta refuses the template for a missing example.
 */
function withButtonsInMetaSyntax(
  component: Record<string, unknown> & { type: string },
): Record<string, unknown> & { type: string } {
  if (!Array.isArray(component.buttons)) return component;
  const buttons = (component.buttons as unknown[]).map((button) => {
    if (button === null || typeof button !== "object") return button;
    const { type, example } = button as { type?: unknown; example?: unknown };
    if (type === "OTP") return withAppsInSupportedApps(button as Record<string, unknown>);
    if (type !== "COPY_CODE" || !Array.isArray(example)) return button;
    const { example: _codes, ...rest } = button as Record<string, unknown>;
    const code: unknown = example[0];
    return code === undefined ? rest : { ...rest, example: code };
  });
  return { ...component, buttons };
}
