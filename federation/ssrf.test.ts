import { createServer } from "node:http";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { assertPublicUrl, isPrivateAddress, safeFetch, UnsafeUrlError } from "./ssrf.ts";

describe("private address rule", () => {
  it.each(["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:8.8.8.8", "64:ff9b::7f00:1", "not-an-ip"])(
    "%s is refused",
    (ip) => expect(isPrivateAddress(ip)).toBe(true),
  );

  it.each(["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"])("%s is public", (ip) => expect(isPrivateAddress(ip)).toBe(false));

  it("refuses other schemes even when private addresses are allowed", async () => {
    await expect(assertPublicUrl(new URL("file:///etc/passwd"), true)).rejects.toThrow(UnsafeUrlError);
  });

  it("never opens a connection to a loopback server unless allowed", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end("{}");
    }).listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
    try {
      await expect(safeFetch(url, {}, false)).rejects.toThrow(UnsafeUrlError);
      expect(hits).toBe(0);
      expect((await safeFetch(url, {}, true)).status).toBe(200);
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it("checks every redirect hop", async () => {
    const server = createServer((req, res) => {
      res.writeHead(302, { location: "ftp://127.0.0.1/next" }).end();
    }).listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      await expect(safeFetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, {}, true)).rejects.toThrow(/Unsupported scheme/);
    } finally {
      server.close();
    }
  });
});
