import type { Federation } from "@fedify/fedify";
import type { Core } from "../src/core.ts";

export function registerNodeInfo(federation: Federation<Core>) {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (ctx) => {
    const [usage, settings] = await Promise.all([ctx.data.instance.usage(), ctx.data.settings.all()]);
    return {
      software: { name: "kith", version: "0.1.0" },
      protocols: ["activitypub"],
      // Mastodon's rule: open unless sign-ups are closed (approval still counts as open).
      openRegistrations: settings.registrationMode === "open" || settings.registrationMode === "approval",
      usage: {
        users: { total: usage.users, activeMonth: usage.activeMonth, activeHalfyear: usage.activeHalfyear },
        localPosts: usage.localPosts,
        localComments: 0,
      },
      metadata: { nodeName: settings.title, nodeDescription: settings.shortDescription },
    };
  });
}
