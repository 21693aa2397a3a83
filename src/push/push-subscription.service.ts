import { isIP } from "node:net";
import { notFound, unprocessable } from "../errors.ts";
import { PUSH_ALERT_TYPES } from "../notifications/notification.repository.ts";
import type { PushChoices, PushSubscriptionRepository } from "./push-subscription.repository.ts";
import { sealToken } from "./token-seal.ts";
import { base64urlBytes, isP256Point, type VapidKeys } from "./vapid.ts";

// Mastodon's /api/v1/push/subscription: one Web Push subscription per access
// token, which says where to push (endpoint and the user agent's keys) and
// what (alerts, policy).

export const PUSH_POLICIES = ["all", "followed", "follower", "none"] as const;
export type PushPolicy = (typeof PUSH_POLICIES)[number];

/** Mastodon's data[alerts] (types not named are off; unknown ones are ignored) and data[policy]. */
export type PushChoicesInput = { alerts?: Record<string, boolean>; policy?: PushPolicy };

export type PushEndpointInput = { endpoint: string; p256dh: string; auth: string; standard?: boolean };

/** The token a subscription belongs to: its id, and the bearer string that pushes carry. */
export type TokenOwner = { accountId: bigint; tokenId: bigint; token: string };

const MAX_ENDPOINT_LENGTH = 2048;

const isLoopback = (host: string) => host === "localhost" || (isIP(host) === 4 && host.startsWith("127.")) || host === "::1";

function choices(input: PushChoicesInput): PushChoices {
  const alerts = PUSH_ALERT_TYPES.filter((type) => input.alerts?.[type] === true);
  return { alerts, policy: input.policy ?? "all" };
}

export class PushSubscriptionService {
  private readonly subscriptions: PushSubscriptionRepository;
  private readonly vapid: VapidKeys;
  private readonly allowLoopbackHttp: boolean;

  /** `allowLoopbackHttp`: tests and local set-ups (KITH_ALLOW_PRIVATE_ADDRESS) may push over http to their own machine. */
  constructor(subscriptions: PushSubscriptionRepository, vapid: VapidKeys, allowLoopbackHttp: boolean) {
    this.subscriptions = subscriptions;
    this.vapid = vapid;
    this.allowLoopbackHttp = allowLoopbackHttp;
  }

  /** Replaces the token's subscription (422 and nothing stored when the endpoint or keys are unusable). */
  async subscribe(owner: TokenOwner, input: PushEndpointInput, wanted: PushChoicesInput) {
    const endpoint = this.endpointOf(input.endpoint);
    const p256dh = base64urlBytes(input.p256dh.trim());
    if (!isP256Point(p256dh)) throw unprocessable("Validation failed: subscription[keys][p256dh] must be an uncompressed P-256 public key (65 bytes, base64url)");
    const auth = base64urlBytes(input.auth.trim());
    if (!auth || auth.length !== 16) throw unprocessable("Validation failed: subscription[keys][auth] must be a 16-byte secret, base64url");
    const { privateKey } = await this.vapid.get();
    return this.subscriptions.replace({
      accessTokenId: owner.tokenId,
      accountId: owner.accountId,
      endpoint,
      p256dh: p256dh!.toString("base64url"),
      auth: auth.toString("base64url"),
      sealedToken: sealToken(owner.token, privateKey),
      standard: input.standard ?? false,
      ...choices(wanted),
    });
  }

  async get(tokenId: bigint) {
    const subscription = await this.subscriptions.findByToken(tokenId);
    if (!subscription) throw notFound("Record");
    return subscription;
  }

  /** Only what to push can change; like Mastodon, alerts not named turn off. */
  async update(tokenId: bigint, wanted: PushChoicesInput) {
    const subscription = await this.subscriptions.updateChoices(tokenId, choices(wanted));
    if (!subscription) throw notFound("Record");
    return subscription;
  }

  /** Succeeds whether or not there was one, as on Mastodon. */
  async unsubscribe(tokenId: bigint) {
    await this.subscriptions.deleteByToken(tokenId);
  }

  serverKey(): Promise<string> {
    return this.vapid.publicKey();
  }

  private endpointOf(text: string): string {
    const problem = "Validation failed: subscription[endpoint] must be an https URL";
    let url: URL;
    try {
      url = new URL(text.trim());
    } catch {
      throw unprocessable(problem);
    }
    if (text.length > MAX_ENDPOINT_LENGTH) throw unprocessable(`Validation failed: subscription[endpoint] is limited to ${MAX_ENDPOINT_LENGTH} characters`);
    if (url.username || url.password) throw unprocessable("Validation failed: subscription[endpoint] must not contain credentials");
    const http = url.protocol === "http:" && this.allowLoopbackHttp && isLoopback(url.hostname.replace(/^\[|\]$/g, ""));
    if (url.protocol !== "https:" && !http) throw unprocessable(problem);
    // Kept as the app gave it: apps compare it with their own.
    return text.trim();
  }
}
