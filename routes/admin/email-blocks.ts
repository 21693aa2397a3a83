import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { linkHeader, pathId } from "../params.ts";
import { requireStaff } from "./guard.ts";
import { adminPageOf } from "./params.ts";
import { serializeEmailBlock } from "./serializers.ts";
import { requestParams } from "../nested-params.ts";

// /api/v1/admin/canonical_email_blocks: sign-up refuses addresses whose
// canonical form hashes to a blocked hash.

const READ = "admin:read:canonical_email_blocks";
const WRITE = "admin:write:canonical_email_blocks";

const createBody = z.object({ email: z.string().trim().min(1).optional(), canonical_email_hash: z.string().trim().min(1).optional() });
const testBody = z.object({ email: z.string({ message: "email is required" }).trim().min(1, "email is required") });

export function adminEmailBlockRoutes(app: FastifyInstance, core: Core) {
  const blocks = core.moderation.emailBlocks;

  app.get("/api/v1/admin/canonical_email_blocks", async (request, reply) => {
    await requireStaff(core, request, READ, "manage_blocks");
    const rows = await blocks.list(adminPageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map(serializeEmailBlock);
  });

  app.get("/api/v1/admin/canonical_email_blocks/:id", async (request) => {
    await requireStaff(core, request, READ, "manage_blocks");
    return serializeEmailBlock(await blocks.get(pathId(request)));
  });

  app.post("/api/v1/admin/canonical_email_blocks/test", async (request) => {
    await requireStaff(core, request, READ, "manage_blocks");
    const { email } = testBody.parse(requestParams(request));
    return (await blocks.test(email)).map(serializeEmailBlock);
  });

  app.post("/api/v1/admin/canonical_email_blocks", async (request) => {
    await requireStaff(core, request, WRITE, "manage_blocks");
    const body = createBody.parse(requestParams(request));
    return serializeEmailBlock(await blocks.block({ email: body.email, canonicalEmailHash: body.canonical_email_hash }));
  });

  app.delete("/api/v1/admin/canonical_email_blocks/:id", async (request) => {
    await requireStaff(core, request, WRITE, "manage_blocks");
    await blocks.unblock(pathId(request));
    return {};
  });
}
