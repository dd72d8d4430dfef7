import { describe, expect, it } from "vitest";
import { checkDestination } from "../../../src/domain/destination";

describe("the SSRF guard on FORWARD_URL", () => {
  it.each([
    "http://127.0.0.1/x",
    "http://localhost:8080/x",
    "http://api.localhost/x",
    "http://10.1.2.3/x",
    "http://172.16.0.1/x",
    "http://192.168.1.1/x",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/x",
    "http://0.0.0.0/x",
    "http://2130706433/x",
    "http://0x7f.1/x",
    "http://[::1]/x",
    "http://[fd00::1]/x",
    "http://[fe80::1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://metadata.google.internal/x",
    // Forms that passed the guard before (issue 12).
    "http://localhost./x",
    "http://api.localhost./x",
    "http://[::7f00:1]/x",
    "http://[::ffff:0:7f00:1]/x",
    "http://[64:ff9b::7f00:1]/x",
    "http://[64:ff9b::a00:1]/x",
    "http://[2002:7f00:1::]/x",
    "http://[2002:c0a8:101::]/x",
    "http://[fec0::1]/x",
    "http://192.0.0.8/x",
    "http://[::]/x",
    "http://[2001:db8::1]/x",
    "http://203.0.113.10/x",
  ])("refuses %s", (url) => {
    expect(checkDestination(url, false).ok).toBe(false);
  });

  it.each(["ftp://shop.example/x", "file:///etc/passwd", "javascript:alert(1)", "not a url", "https://user:pw@shop.example/x"])(
    "refuses %s",
    (url) => {
      expect(checkDestination(url, false).ok).toBe(false);
    },
  );

  it.each([
    "https://shop.example/hooks/cryptocloud",
    "http://8.8.8.8:8080/x",
    "https://[2606:4700::1111]/x",
    "https://[64:ff9b::808:808]/x",
    "https://[2002:808:808::]/x",
  ])("accepts %s", (url) => {
    expect(checkDestination(url, false).ok).toBe(true);
  });

  it("accepts loopback only with the explicit opt-in", () => {
    expect(checkDestination("http://127.0.0.1:9000/webhook", true).ok).toBe(true);
  });

  it("never echoes the URL in its error (it reaches /health, which needs no auth)", () => {
    const r = checkDestination("http://[fe80::1%25eth0]/secret-path", false);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain("secret-path");
    expect(JSON.stringify(checkDestination("not a url with secret", false))).not.toContain("secret");
  });
});
