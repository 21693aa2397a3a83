import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { notFound } from "../../src/errors.ts";
import type { SettingKey } from "../../src/instance/settings.ts";
import { domainDigest } from "../../src/moderation/domains.ts";
import { requireUser } from "../auth.ts";
import { plainTextToHtml } from "../pages/text.ts";
import { serializeRule } from "../serializers/rule.ts";
import { loadInstance, serializeInstanceV1, serializeInstanceV2 } from "../serializers/instance.ts";

// What a server says about itself: Mastodon's /api/v1/instance family, plus
// the small always-empty lists clients ask for at start-up.

/** A 1×1 transparent PNG: the default instance thumbnail. */
const THUMBNAIL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
const WEEKS = 12;

export function instanceRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v2/instance", async () => serializeInstanceV2(core, await loadInstance(core)));
  app.get("/api/v1/instance", async () => serializeInstanceV1(core, await loadInstance(core)));

  app.get("/api/v1/instance/rules", async () => (await core.rules.list()).map(serializeRule));

  app.get("/api/v1/instance/peers", async () => core.moderation.domains.federating(await core.instance.knownDomains()));

  app.get("/api/v1/instance/activity", async () =>
    (await core.instance.weeklyActivity(WEEKS)).map((w) => ({
      week: String(Math.floor(w.week.getTime() / 1000)),
      statuses: String(w.statuses),
      logins: String(w.logins),
      registrations: String(w.registrations),
    })),
  );

  // Public, as Mastodon's "show domain blocks to everyone"; obfuscated names keep their real digest.
  app.get("/api/v1/instance/domain_blocks", async () =>
    (await core.moderation.domains.publicBlocks()).map((b) => ({ domain: b.domain, digest: domainDigest(b.realDomain), severity: b.severity, comment: b.comment ?? "" })),
  );

  const document = (key: SettingKey & ("about" | "privacyPolicy")) => async () => {
    const [text, changedAt] = await Promise.all([core.settings.get(key), core.settings.changedAt(key)]);
    return { updated_at: (changedAt ?? new Date(0)).toISOString(), content: plainTextToHtml(text) };
  };
  app.get("/api/v1/instance/extended_description", document("about"));
  app.get("/api/v1/instance/privacy_policy", document("privacyPolicy"));

  app.get("/api/v1/instance/terms_of_service", async () => {
    const [terms, changedAt] = await Promise.all([core.settings.get("terms"), core.settings.changedAt("terms")]);
    if (!terms.trim()) throw notFound("Record");
    return { effective_date: (changedAt ?? new Date(0)).toISOString().slice(0, 10), effective: true, content: plainTextToHtml(terms), succeeded_by: null };
  });

  app.get("/instance/thumbnail.png", async (_request, reply) => reply.type("image/png").header("cache-control", "public, max-age=86400").send(THUMBNAIL));

  // Kith has no custom emoji or announcements yet; clients ask anyway.
  app.get("/api/v1/custom_emojis", async () => []);
  app.get("/api/v1/announcements", async (request) => {
    await requireUser(core, request, "read");
    return [];
  });

  app.get("/api/v1/preferences", async (request) => {
    await requireUser(core, request, "read:accounts");
    return {
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": null,
      "posting:default:quote_policy": "public",
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
      "reading:autoplay:gifs": false,
    };
  });
}
