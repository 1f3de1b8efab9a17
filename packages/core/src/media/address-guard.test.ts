import { describe, expect, it } from "vitest";
import { checkUrl, classifyAddress } from "./address-guard.js";
import { MediaError } from "./errors.js";
import { createMediaFetchPolicy, DEFAULT_MEDIA_FETCH_POLICY } from "./policy.js";
import { fakeResolver } from "./testing/fixtures.js";

// Pure classification and checks with an INJECTED resolver: no DNS query, no socket.

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrierGradeNat"],
    ["100.127.255.254", "carrierGradeNat"],
    ["169.254.169.254", "linkLocal"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456:789a::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
    ["::ffff:127.0.0.1", "ipv4Mapped:loopback"],
    ["::ffff:7f00:1", "ipv4Mapped:loopback"],
    ["::ffff:a9fe:a9fe", "ipv4Mapped:linkLocal"],
    ["::ffff:10.1.1.1", "ipv4Mapped:private"],
    ["64:ff9b::a00:1", "rfc6052"],
    ["2002:7f00:1::", "6to4"],
    ["2001:db8::1", "reserved"],
    ["::ffff:0:7f00:1", "rfc6145"],
    ["not-an-ip", "invalid"],
    ["fe80::1%eth0", "scoped"],
  ])("%s is not public (%s)", (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.isPublic).toBe(false);
    expect(verdict.range).toBe(range);
  });

  it("refuses IPv4-compatible ::/96 even though ipaddr.js calls it unicast", () => {
    expect(classifyAddress("::7f00:1").isPublic).toBe(false);
    expect(classifyAddress("::a00:1").isPublic).toBe(false);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2a03:2880:f12f:83:face:b00c:0:25de", "::ffff:8.8.8.8"])(
    "%s is public",
    (address) => {
      expect(classifyAddress(address).isPublic).toBe(true);
    },
  );

  it("marks loopback forms", () => {
    expect(classifyAddress("127.0.0.1").isLoopback).toBe(true);
    expect(classifyAddress("::ffff:127.0.0.1").isLoopback).toBe(true);
    expect(classifyAddress("::1").isLoopback).toBe(true);
    expect(classifyAddress("10.0.0.1").isLoopback).toBe(false);
  });
});

describe("checkUrl (injected resolver, no connection)", () => {
  const param = "components[0].example.header_url[0]";
  const policy = createMediaFetchPolicy();

  async function refusal(url: string, table: Record<string, string[]> = {}) {
    const { resolver, calls } = fakeResolver(table);
    const error = await checkUrl(url, { policy, resolver, param }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaError);
    return { error: error as MediaError, calls };
  }

  it("accepts a public name and pins the checked address", async () => {
    const { resolver, calls } = fakeResolver({
      "cdn.example.test": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    });
    const target = await checkUrl("https://cdn.example.test/a/b.png?x=1", { policy, resolver, param });
    expect(calls).toEqual(["cdn.example.test"]);
    expect(target).toMatchObject({
      address: "93.184.216.34",
      family: 4,
      port: 443,
      hostname: "cdn.example.test",
      hostIsIp: false,
      protocol: "https:",
    });
  });

  it("unwraps an IPv4-mapped public answer to the IPv4 address it connects to", async () => {
    const { resolver } = fakeResolver({ "cdn.example.test": ["::ffff:93.184.216.34"] });
    const target = await checkUrl("https://cdn.example.test/x.png", { policy, resolver, param });
    expect(target).toMatchObject({ address: "93.184.216.34", family: 4 });
  });

  it.each([
    ["localhost", ["127.0.0.1", "::1"]],
    ["internal.example.test", ["10.0.0.7"]],
    ["metadata.example.test", ["169.254.169.254"]],
    ["mixed.example.test", ["93.184.216.34", "192.168.0.10"]],
    ["mixed6.example.test", ["2606:4700:4700::1111", "fd00::1"]],
    ["mapped.example.test", ["::ffff:10.0.0.1"]],
    ["cgnat.example.test", ["100.64.1.1"]],
    ["zero.example.test", ["0.0.0.0"]],
  ])("refuses %s resolving to %j after consulting the resolver", async (name, addresses) => {
    const { error, calls } = await refusal(`https://${name}/x.png`, { [name]: addresses });
    expect(calls).toEqual([name]);
    expect(error.code).toBe("media_url_forbidden");
    expect(error.param).toBe(param);
  });

  it("reports a resolver failure as media_download_failed (dns)", async () => {
    const { error } = await refusal("https://nx.example.test/x.png");
    expect(error.code).toBe("media_download_failed");
    expect(error.details).toMatchObject({ reason: "dns" });
  });

  it.each([
    "http://cdn.example.test/x.png",
    "ftp://cdn.example.test/x.png",
    "file:///etc/passwd",
    "https://user:pw@cdn.example.test/x.png",
    "https://user@cdn.example.test/x.png",
    "https://cdn.example.test:8443/x.png",
    "https://cdn.example.test:80/x.png",
    "not a url",
  ])("refuses %s without resolving", async (url) => {
    const { error, calls } = await refusal(url, { "cdn.example.test": ["93.184.216.34"] });
    expect(error.code).toBe("media_url_forbidden");
    expect(calls).toEqual([]);
  });

  it("allows a non-443 port only when listed", async () => {
    const { resolver } = fakeResolver({ "cdn.example.test": ["93.184.216.34"] });
    const wide = createMediaFetchPolicy({ allowedPorts: [443, 8443] });
    await expect(
      checkUrl("https://cdn.example.test:8443/x.png", { policy: wide, resolver, param }),
    ).resolves.toMatchObject({ port: 8443 });
  });

  it("the test allowance is exact-origin and loopback-only", async () => {
    const { resolver } = fakeResolver({ "files.example.test": ["10.0.0.9"] });
    const testPolicy = createMediaFetchPolicy({
      allowInsecureLoopbackForTests: { origins: ["http://127.0.0.1:4100", "https://files.example.test:4443"] },
    });
    await expect(
      checkUrl("http://127.0.0.1:4100/x.png", { policy: testPolicy, resolver, param }),
    ).resolves.toMatchObject({ protocol: "http:", address: "127.0.0.1" });
    // Another port on loopback is not listed.
    await expect(
      checkUrl("http://127.0.0.1:4101/x.png", { policy: testPolicy, resolver, param }),
    ).rejects.toMatchObject({ code: "media_url_forbidden" });
    // A listed name that resolves to a private (non-loopback) address is still refused.
    await expect(
      checkUrl("https://files.example.test:4443/x.png", { policy: testPolicy, resolver, param }),
    ).rejects.toMatchObject({ code: "media_url_forbidden" });
    // The default policy has no allowance at all.
    expect(DEFAULT_MEDIA_FETCH_POLICY.allowInsecureLoopbackForTests).toBeUndefined();
    await expect(checkUrl("http://127.0.0.1:4100/x.png", { policy, resolver, param })).rejects.toMatchObject({
      code: "media_url_forbidden",
    });
  });
});

describe("createMediaFetchPolicy", () => {
  it("refuses a non-loopback IP as a test origin", () => {
    expect(() =>
      createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: ["http://10.0.0.1:80"] } }),
    ).toThrow(TypeError);
    expect(() =>
      createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: ["http://127.0.0.1:80/path"] } }),
    ).toThrow(TypeError);
  });
  it("refuses more than 3 redirects and caps above Meta's", () => {
    expect(() => createMediaFetchPolicy({ maxRedirects: 4 })).toThrow(TypeError);
    expect(() => createMediaFetchPolicy({ maxBytes: { IMAGE: 6 * 1024 * 1024 } })).toThrow(TypeError);
    expect(() => createMediaFetchPolicy({ allowedPorts: [] })).toThrow(TypeError);
    expect(createMediaFetchPolicy({ maxBytes: { IMAGE: 1000 } }).maxBytes).toEqual({ IMAGE: 1000 });
  });
});
