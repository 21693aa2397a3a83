import type { Federation } from "@fedify/fedify";
import type { Core } from "../src/core.ts";

export function registerNodeInfo(federation: Federation<Core>) {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (ctx) => {
    const usage = await ctx.data.instance.usage();
    return {
      software: { name: "kith", version: "0.1.0" },
      protocols: ["activitypub"],
      openRegistrations: false,
      usage: {
        users: { total: usage.users, activeMonth: usage.activeMonth, activeHalfyear: usage.activeHalfyear },
        localPosts: usage.localPosts,
        localComments: 0,
      },
      metadata: { nodeName: ctx.host },
    };
  });
}
