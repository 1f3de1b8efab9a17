import { createMediaFetchPolicy } from "@kirim/core";
import type { MediaFetchPolicy } from "@kirim/core";
import { EnvError } from "./env.js";
import type { MediaEnv } from "./env.js";

/**
 * The one media fetch policy of the process, built at start from the validated env. A setting that
 * `createMediaFetchPolicy` refuses (e.g. a test origin that is not a loopback address) becomes an `EnvError`,
 * so a misconfiguration stops the start instead of failing per request.
 */
export function createMediaPolicy(media: MediaEnv): MediaFetchPolicy {
  try {
    return createMediaFetchPolicy({
      allowedPorts: media.allowedPorts,
      connectTimeoutMs: media.connectTimeoutMs,
      totalTimeoutMs: media.totalTimeoutMs,
      ...(media.testLoopbackOrigins === undefined || media.testLoopbackOrigins.length === 0
        ? {}
        : { allowInsecureLoopbackForTests: { origins: media.testLoopbackOrigins } }),
    });
  } catch (error) {
    if (error instanceof TypeError) throw new EnvError([`MEDIA_FETCH_*: ${error.message}`]);
    throw error;
  }
}
