import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import type { DomainBlockFields } from "../../src/moderation/domain-block.repository.ts";
import { linkHeader, pathId } from "../params.ts";
import { requireStaff } from "./guard.ts";
import { adminPageOf } from "./params.ts";
import { serializeDomainAllow, serializeDomainBlock } from "./serializers.ts";
import { flag } from "../booleans.ts";
import { requestParams } from "../nested-params.ts";

// /api/v1/admin/domain_blocks and /api/v1/admin/domain_allows.

const severity = z.enum(["silence", "suspend", "noop"], { message: "severity must be silence, suspend or noop" });
const comment = z.string().max(1000, "comments are limited to 1000 characters").nullable();

const fields = z.object({
  severity: severity.optional(),
  reject_media: flag,
  reject_reports: flag,
  private_comment: comment.optional(),
  public_comment: comment.optional(),
  obfuscate: flag,
});

/** The fields the request gave, in the domain's words; absent ones stay absent (defaults, or unchanged). */
function toDomain(f: z.infer<typeof fields>): Partial<DomainBlockFields> {
  const out: Partial<DomainBlockFields> = {};
  if (f.severity !== undefined) out.severity = f.severity;
  if (f.reject_media !== undefined) out.rejectMedia = f.reject_media;
  if (f.reject_reports !== undefined) out.rejectReports = f.reject_reports;
  if (f.private_comment !== undefined) out.privateComment = f.private_comment;
  if (f.public_comment !== undefined) out.publicComment = f.public_comment;
  if (f.obfuscate !== undefined) out.obfuscate = f.obfuscate;
  return out;
}

const domainField = z.object({ domain: z.string({ message: "domain is required" }).trim().min(1, "domain is required") });

export function adminDomainRoutes(app: FastifyInstance, core: Core) {
  const domains = core.moderation.domains;
  const block = (read: boolean) => (request: Parameters<typeof requireStaff>[1]) =>
    requireStaff(core, request, read ? "admin:read:domain_blocks" : "admin:write:domain_blocks", "manage_federation");
  const allow = (read: boolean) => (request: Parameters<typeof requireStaff>[1]) =>
    requireStaff(core, request, read ? "admin:read:domain_allows" : "admin:write:domain_allows", "manage_federation");

  app.get("/api/v1/admin/domain_blocks", async (request, reply) => {
    await block(true)(request);
    const rows = await domains.listBlocks(adminPageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map(serializeDomainBlock);
  });

  app.get("/api/v1/admin/domain_blocks/:id", async (request) => {
    await block(true)(request);
    return serializeDomainBlock(await domains.getBlock(pathId(request)));
  });

  app.post("/api/v1/admin/domain_blocks", async (request) => {
    await block(false)(request);
    const body = domainField.and(fields).parse(requestParams(request));
    return serializeDomainBlock(await domains.block(body.domain, toDomain(body)));
  });

  app.put("/api/v1/admin/domain_blocks/:id", async (request) => {
    await block(false)(request);
    const id = pathId(request);
    await domains.getBlock(id);
    return serializeDomainBlock(await domains.update(id, toDomain(fields.parse(requestParams(request)))));
  });

  app.delete("/api/v1/admin/domain_blocks/:id", async (request) => {
    await block(false)(request);
    await domains.unblock(pathId(request));
    return {};
  });

  app.get("/api/v1/admin/domain_allows", async (request, reply) => {
    await allow(true)(request);
    const rows = await domains.listAllows(adminPageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map(serializeDomainAllow);
  });

  app.get("/api/v1/admin/domain_allows/:id", async (request) => {
    await allow(true)(request);
    return serializeDomainAllow(await domains.getAllow(pathId(request)));
  });

  app.post("/api/v1/admin/domain_allows", async (request) => {
    await allow(false)(request);
    const { domain } = domainField.parse(requestParams(request));
    return serializeDomainAllow(await domains.allow(domain));
  });

  app.delete("/api/v1/admin/domain_allows/:id", async (request) => {
    await allow(false)(request);
    await domains.disallow(pathId(request));
    return {};
  });
}
