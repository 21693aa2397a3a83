import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";

// No request of ours may reach a private, loopback, link-local or mapped
// address, on the first hop or after a redirect, unless the operator turned
// KITH_ALLOW_PRIVATE_ADDRESS on (tests and local federation only).

// Separate lists per family: Node's BlockList matches IPv4 addresses against
// IPv4-mapped IPv6 rules, which would make every IPv4 address "private".
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
  ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15],
  ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked4.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128], ["::1", 128], ["::ffff:0:0", 96], ["64:ff9b::", 96], ["100::", 64], ["2001:db8::", 32],
  ["fc00::", 7], ["fe80::", 10], ["ff00::", 8],
] as const) blocked6.addSubnet(net, bits, "ipv6");

export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked4.check(ip, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return true;
    return blocked6.check(ip, "ipv6");
  }
  return true;
}

export class UnsafeUrlError extends Error {}

const refusal = (host: string) => new UnsafeUrlError(`Refusing to contact ${host}: it resolves to a private address`);

/**
 * The checks that need no DNS: the scheme, and a host written as an IP
 * address. Where the connection is made through publicOnlyLookup this is all
 * that needs checking beforehand.
 */
export function assertPublicLiteral(url: URL, allowPrivate: boolean): void {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UnsafeUrlError(`Unsupported scheme in ${url.href}`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) throw refusal(url.host);
}

export async function assertPublicUrl(url: URL, allowPrivate: boolean): Promise<void> {
  assertPublicLiteral(url, allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (allowPrivate || isIP(host)) return;
  const addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  if (!addresses.length || addresses.some(isPrivateAddress)) throw refusal(url.host);
}

/**
 * A DNS lookup for a socket's `lookup` option that refuses private answers:
 * the address checked is the one connected to, so a name whose DNS answer
 * changes after an earlier check cannot reach a private address.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    if (!addresses.length || addresses.some((a) => isPrivateAddress(a.address))) return callback(refusal(hostname), "", 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** fetch() that checks every hop against the private-address rule. */
export async function safeFetch(input: string | URL, init: RequestInit, allowPrivate: boolean, maxRedirects = 5): Promise<Response> {
  let url = new URL(input);
  for (let hop = 0; ; hop++) {
    await assertPublicUrl(url, allowPrivate);
    const res = await fetch(url, { ...init, redirect: "manual", signal: init.signal ?? AbortSignal.timeout(10_000) });
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return res;
    if (hop >= maxRedirects) throw new UnsafeUrlError(`Too many redirects from ${input}`);
    await res.body?.cancel();
    url = new URL(location, url);
  }
}

/** One POST behind the guard, for Web Push: the status, or `refused` when the address is not one we may contact. */
export async function guardedPost(url: URL, init: { method: "POST"; headers: Record<string, string>; body: Uint8Array }, allowPrivate: boolean): Promise<{ status: number } | { refused: string }> {
  let res: Response;
  try {
    res = await safeFetch(url, { ...init, body: init.body as BodyInit }, allowPrivate);
  } catch (error) {
    if (error instanceof UnsafeUrlError) return { refused: error.message };
    throw error;
  }
  await res.body?.cancel();
  return { status: res.status };
}
