import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { KithError } from "../../src/errors.ts";
import { PUSH_POLICIES, type PushChoicesInput } from "../../src/push/push-subscription.service.ts";
import { bearer, principalOf, requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { serializePushSubscription } from "../serializers/push-subscription.ts";
import { flag, flagOr } from "../booleans.ts";

// Mastodon's Web Push subscription of the calling access token.

const policy = z.enum(PUSH_POLICIES, { error: `policy must be one of ${PUSH_POLICIES.join(", ")}` });

const data = z
  .object({ alerts: z.record(z.string(), flagOr(false)).optional(), policy: policy.optional() }, { error: "data must be an object" })
  .optional();

const required = (name: string) => z.string({ error: `${name} is required` });

const subscribeBody = z.object({
  subscription: z.object(
    {
      endpoint: required("subscription[endpoint]"),
      keys: z.object({ p256dh: required("subscription[keys][p256dh]"), auth: required("subscription[keys][auth]") }, { error: "subscription[keys] is required" }),
      standard: flag,
    },
    { error: "subscription is required" },
  ),
  data,
});

// Mastodon's documentation puts policy at the top level for PUT; its code reads data[policy]. Both are taken.
const updateBody = z.object({ data, policy: policy.optional() });

/** The signed-in user and the token they called with (push needs both: a subscription belongs to the token). */
async function caller(core: Core, request: FastifyRequest) {
  const account = await requireUser(core, request, "push");
  const principal = await principalOf(core, request);
  const token = bearer(request);
  if (!principal || !token) throw new KithError(401, "The access token is invalid");
  return { accountId: account.id, tokenId: principal.tokenId, token };
}

export function pushRoutes(app: FastifyInstance, core: Core) {
  const subscriptions = core.push.subscriptions;
  const render = async (subscription: Parameters<typeof serializePushSubscription>[0]) => serializePushSubscription(subscription, await subscriptions.serverKey());

  app.post("/api/v1/push/subscription", async (request) => {
    const owner = await caller(core, request);
    const body = subscribeBody.parse(requestParams(request));
    const { endpoint, keys, standard } = body.subscription;
    return render(await subscriptions.subscribe(owner, { endpoint, ...keys, standard }, body.data ?? {}));
  });

  app.get("/api/v1/push/subscription", async (request) => {
    const { tokenId } = await caller(core, request);
    return render(await subscriptions.get(tokenId));
  });

  app.put("/api/v1/push/subscription", async (request) => {
    const { tokenId } = await caller(core, request);
    const body = updateBody.parse(requestParams(request));
    const wanted: PushChoicesInput = { alerts: body.data?.alerts, policy: body.data?.policy ?? body.policy };
    return render(await subscriptions.update(tokenId, wanted));
  });

  app.delete("/api/v1/push/subscription", async (request) => {
    const { tokenId } = await caller(core, request);
    await subscriptions.unsubscribe(tokenId);
    return {};
  });
}
