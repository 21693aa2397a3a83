import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { SettingsService } from "../instance/settings.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { LocalUrls } from "../urls.ts";
import { PushDeliveryService } from "./push-delivery.service.ts";
import { PushSubscriptionRepository } from "./push-subscription.repository.ts";
import { PushSubscriptionService } from "./push-subscription.service.ts";
import { VapidKeys } from "./vapid.ts";

/** Web Push: core.push (the VAPID key pair, subscriptions, delivery). */
export function createPush(
  db: Db,
  deps: { config: Config; settings: SettingsService; jobs: JobQueue; urls: LocalUrls; isFollowing: (followerId: bigint, targetId: bigint) => Promise<boolean> },
) {
  const repo = new PushSubscriptionRepository(db);
  const vapid = new VapidKeys(deps.config.vapid, deps.settings);
  const publicUrl = deps.config.publicUrl;
  // RFC 8292 asks for a mailto: or https: contact; an http origin (a development box) is neither.
  const contact = async () => {
    const email = await deps.settings.get("contactEmail");
    if (email) return `mailto:${email}`;
    return publicUrl.protocol === "https:" ? publicUrl.origin : `mailto:postmaster@${publicUrl.hostname}`;
  };
  return {
    vapid,
    subscriptions: new PushSubscriptionService(repo, vapid, deps.config.allowPrivateAddress),
    delivery: new PushDeliveryService({ subscriptions: repo, vapid, jobs: deps.jobs, isFollowing: deps.isFollowing, contact, missingAvatar: deps.urls.missingAvatar() }),
  };
}
