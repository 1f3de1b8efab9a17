/** verifyWebhook against the reference Standard Webhooks implementation (`standardwebhooks`) as the signer. */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { KirimError, verifyWebhook } from "../src/index.js";

const secret = `whsec_${Buffer.from("a-32-byte-secret-for-the-tests!!").toString("base64")}`;
const body = JSON.stringify({
  type: "template.status_updated",
  data: { name: "order_confirmation", status: "approved" },
});

function signed(at: Date, payload = body, id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W") {
  const signature = new Webhook(secret).sign(id, at, payload);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

describe("verifyWebhook (Standard Webhooks)", () => {
  it("accepts a delivery signed by the reference implementation and returns the parsed body", async () => {
    const now = new Date();
    await expect(verifyWebhook(secret, signed(now), body)).resolves.toEqual(JSON.parse(body));
    await expect(verifyWebhook(secret, new Headers(signed(now)), new TextEncoder().encode(body))).resolves.toEqual(
      JSON.parse(body),
    );
    // Several signatures (key rotation): one match is enough.
    const headers = signed(now);
    await expect(
      verifyWebhook(secret, { ...headers, "webhook-signature": `v1,AAAA ${headers["webhook-signature"]}` }, body),
    ).resolves.toBeDefined();
  });

  it("refuses a changed body, another secret, an old timestamp and missing headers", async () => {
    const now = new Date();
    const expectRefusal = (promise: Promise<unknown>) =>
      expect(promise).rejects.toSatisfy((e) => e instanceof KirimError && e.code === "webhook_signature_invalid");
    await expectRefusal(verifyWebhook(secret, signed(now), body.replace("approved", "rejected")));
    await expectRefusal(
      verifyWebhook(`whsec_${Buffer.from("another-secret-another-secret-!!").toString("base64")}`, signed(now), body),
    );
    await expectRefusal(verifyWebhook(secret, signed(new Date(now.getTime() - 6 * 60_000)), body));
    await expectRefusal(verifyWebhook(secret, { "webhook-id": "x" }, body));
  });
});
