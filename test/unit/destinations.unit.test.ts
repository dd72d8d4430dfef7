import { describe, expect, it } from "vitest";
import { checkDestination } from "../../src/delivery/destinations";

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
  ])("refuses %s", (url) => {
    expect(checkDestination(url, false).ok).toBe(false);
  });

  it.each(["ftp://shop.example/x", "file:///etc/passwd", "javascript:alert(1)", "not a url", "https://user:pw@shop.example/x"])(
    "refuses %s",
    (url) => {
      expect(checkDestination(url, false).ok).toBe(false);
    },
  );

  it.each(["https://shop.example/hooks/cryptocloud", "http://203.0.113.10:8080/x", "https://[2001:db8::1]/x"])("accepts %s", (url) => {
    expect(checkDestination(url, false).ok).toBe(true);
  });

  it("accepts loopback only with the explicit opt-in", () => {
    expect(checkDestination("http://127.0.0.1:9000/webhook", true).ok).toBe(true);
  });
});
