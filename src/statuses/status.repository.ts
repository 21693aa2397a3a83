import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { unprocessable } from "../errors.ts";
import { Prisma, type Account, type Status } from "../generated/prisma/client.ts";
import { idAt, reserveId } from "../db/ids.ts";
import type { PollData } from "../polls/poll.rules.ts";
import type { Attachment, Visibility } from "./status.types.ts";

const media = { orderBy: { id: "asc" } } as const;

export const statusInclude = {
  account: true,
  mentions: { include: { account: true } },
  tags: { include: { tag: true } },
  media,
  poll: true,
  reblogOf: { include: { account: true, mentions: { include: { account: true } }, tags: { include: { tag: true } }, media, poll: true } },
} satisfies Prisma.StatusInclude;

export type StatusView = Prisma.StatusGetPayload<{ include: typeof statusInclude }>;

/** The statuses of a page the viewer's flags are asked for: all of them, the viewer's own, their threads and polls. */
export type ViewerPage = { ids: bigint[]; own: bigint[]; threads: bigint[]; polls: bigint[] };

/** How one viewer stands to the statuses of a page (the Status entity's per-viewer fields). */
export type ViewerFlags = {
  favourited: Set<bigint>;
  reblogged: Set<bigint>;
  bookmarked: Set<bigint>;
  pinned: Set<bigint>;
  mutedThreads: Set<bigint>;
  ownVotes: Map<bigint, number[]>;
};

/** A status as deciding on an interaction with it needs it: its author and its audience. */
export type StatusTarget = Pick<Status, "id" | "accountId" | "visibility" | "reblogOfId"> & {
  account: Pick<Account, "id" | "domain" | "suspendedAt">;
  mentions: { accountId: bigint }[];
};

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * A new status row; what is left out takes the column's default. A local
 * status comes with the id its URI names (reserved with `reserveId`); a
 * remote one is given an id from its `createdAt` (its `published`).
 */
export type NewStatusRow = {
  id?: bigint;
  uri: string;
  url?: string | null;
  accountId: bigint;
  local?: boolean;
  content?: string;
  text?: string | null;
  spoilerText?: string;
  sensitive?: boolean;
  visibility?: Visibility;
  language?: string | null;
  inReplyToId?: bigint | null;
  inReplyToUri?: string | null;
  inReplyToAccountId?: bigint | null;
  reblogOfId?: bigint | null;
  attachments?: Attachment[];
  createdAt?: Date;
  editedAt?: Date | null;
};

/** What a status carries besides its own row: local media to attach, a poll, its thread. */
export type StatusParts = {
  mediaIds?: bigint[];
  poll?: PollData & { uri?: string | null };
  /** The thread to join (a reply's parent's); a new one when absent. */
  conversationId?: bigint | null;
  /**
   * The author and the mentioned accounts as the caller holds them: the new
   * status is then put together from what was written instead of read back.
   */
  accounts?: { author: Account; mentioned: Account[] };
};

/** A version of a status as it was before an edit. */
export type EditSnapshot = { content: string; spoilerText: string; sensitive: boolean; mediaIds: bigint[]; pollOptions: string[]; createdAt: Date };

export type StatusChanges = {
  /** Saved as an earlier version (StatusEdit) in the same transaction. */
  previous?: EditSnapshot;
  /** The full new list of local media; others attached so far are detached, to be reused. */
  mediaIds?: bigint[];
  /** New alt text and focal points of attached media. */
  mediaChanges?: { id: bigint; description?: string | null; focusX?: number; focusY?: number }[];
  /** null removes the poll; `resetVotes` drops the votes cast so far. */
  poll?: { set: PollData & { uri?: string | null }; resetVotes: boolean } | null;
};

export class StatusRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  findById(id: bigint) {
    return this.db.status.findUnique({ where: { id }, include: statusInclude });
  }

  /** The id of a local status to be written: its URI names it. */
  reserveId() {
    return reserveId(this.db);
  }

  findByIds(ids: bigint[]) {
    return this.db.status.findMany({ where: { id: { in: ids } }, include: statusInclude });
  }

  /** Who wrote a status and who may see it, in one small query. */
  async findTarget(id: bigint): Promise<StatusTarget | null> {
    const [row] = await queryRows<(Pick<Status, "id" | "accountId" | "visibility" | "reblogOfId"> & Pick<Account, "domain" | "suspendedAt"> & { mentionIds: bigint[] })>(this.db, Prisma.sql`
      SELECT s.id, s."accountId", s.visibility::text AS visibility, s."reblogOfId", a.domain, a."suspendedAt",
        ARRAY(SELECT m."accountId" FROM "Mention" m WHERE m."statusId" = s.id) AS "mentionIds"
      FROM "Status" s JOIN "Account" a ON a.id = s."accountId"
      WHERE s.id = ${id}::bigint`);
    if (!row) return null;
    const { domain, suspendedAt, mentionIds, ...status } = row;
    return { ...status, account: { id: status.accountId, domain, suspendedAt }, mentions: mentionIds.map((accountId) => ({ accountId })) };
  }

  /**
   * The viewer's relations to a page of statuses, all in one statement: what
   * they favourited, reblogged and bookmarked (of `ids`), pinned (of `own`),
   * the threads they muted (of `threads`) and their choices in the polls.
   */
  async viewerFlags(viewerId: bigint, page: ViewerPage): Promise<ViewerFlags> {
    const [row] = await queryRows<{ favourited: bigint[]; reblogged: bigint[]; bookmarked: bigint[]; pinned: bigint[]; mutedThreads: bigint[]; votes: [string, number][] }>(
      this.db,
      Prisma.sql`
        SELECT
          ARRAY(SELECT "statusId" FROM "Favourite" WHERE "accountId" = ${viewerId}::bigint AND "statusId" = ANY(${page.ids}::bigint[])) AS favourited,
          ARRAY(SELECT "reblogOfId" FROM "Status" WHERE "accountId" = ${viewerId}::bigint AND "reblogOfId" = ANY(${page.ids}::bigint[])) AS reblogged,
          ARRAY(SELECT "statusId" FROM "Bookmark" WHERE "accountId" = ${viewerId}::bigint AND "statusId" = ANY(${page.ids}::bigint[])) AS bookmarked,
          ARRAY(SELECT "statusId" FROM "StatusPin" WHERE "accountId" = ${viewerId}::bigint AND "statusId" = ANY(${page.own}::bigint[])) AS pinned,
          ARRAY(SELECT "conversationId" FROM "ConversationMute" WHERE "accountId" = ${viewerId}::bigint AND "conversationId" = ANY(${page.threads}::bigint[])) AS "mutedThreads",
          -- Poll ids as text: JSON numbers would lose a bigint's last digits.
          COALESCE((SELECT jsonb_agg(jsonb_build_array("pollId"::text, choice) ORDER BY "pollId", choice)
            FROM "PollVote" WHERE "accountId" = ${viewerId}::bigint AND "pollId" = ANY(${page.polls}::bigint[])), '[]') AS votes`,
    );
    const { favourited, reblogged, bookmarked, pinned, mutedThreads, votes } = row!;
    const ownVotes = new Map<bigint, number[]>();
    for (const [poll, choice] of votes) ownVotes.set(BigInt(poll), [...(ownVotes.get(BigInt(poll)) ?? []), choice]);
    return { favourited: new Set(favourited), reblogged: new Set(reblogged), bookmarked: new Set(bookmarked), pinned: new Set(pinned), mutedThreads: new Set(mutedThreads), ownVotes };
  }

  findByUri(uri: string) {
    return this.db.status.findUnique({ where: { uri }, include: statusInclude });
  }

  findReblog(accountId: bigint, reblogOfId: bigint) {
    return this.db.status.findFirst({ where: { accountId, reblogOfId }, include: statusInclude });
  }

  /** Every reblog of a status: they go when it goes (the foreign key cascades). */
  reblogsOf(reblogOfId: bigint) {
    return this.db.status.findMany({ where: { reblogOfId }, include: statusInclude });
  }

  /**
   * Writes a status with its mentions, tags, media, poll and thread, bumping
   * the author's and the parent's counters. Returns null if the uri exists,
   * or the account has reblogged the status already.
   */
  async insert(data: NewStatusRow, mentionIds: bigint[], tags: string[], parts: StatusParts = {}): Promise<StatusView | null> {
    const mediaIds = [...new Set(parts.mediaIds ?? [])];
    const write = async (db: Db | Tx) => {
      const [row] = await insertStatement(db, data, [...new Set(mentionIds)].sort(compare), [...new Set(tags)], mediaIds, parts);
      // Local media are claimed all or nothing, so media cannot end up on two statuses.
      if (row && row.mediaClaimed !== mediaIds.length) throw unprocessable("Validation failed: Media ids must be your own media, not attached to another status");
      return row ?? null;
    };
    for (let attempt = 1; ; attempt++) {
      // Without media to claim there is nothing to roll back: one statement is its own transaction.
      const row = mediaIds.length ? await this.db.$transaction((tx) => write(tx)) : await write(this.db);
      if (row) {
        const { accounts } = parts;
        return accounts && !mediaIds.length && row.reblogOfId === null ? assembled(row, accounts.author, accounts.mentioned, parts.poll) : this.findById(row.id);
      }
      // Nothing written and nothing there: the id drawn for a past time met
      // an older row's (kith_id's rare case), so a new one is drawn.
      if (data.id !== undefined || (await this.taken(data))) return null;
      if (attempt === ID_DRAWS) throw new Error(`status ${data.uri}: no free id for ${data.createdAt?.toISOString()} after ${ID_DRAWS} draws`);
    }
  }

  /** Whether a status with this uri, or this account's reblog of the status, exists. */
  private async taken(data: NewStatusRow): Promise<boolean> {
    const [row] = await queryRows<{ taken: boolean }>(this.db, Prisma.sql`
      SELECT EXISTS (SELECT 1 FROM "Status" WHERE uri = ${data.uri}
        OR ("accountId" = ${data.accountId}::bigint AND "reblogOfId" = ${data.reblogOfId ?? null}::bigint)) AS taken`);
    return row!.taken;
  }

  async update(id: bigint, data: Prisma.StatusUncheckedUpdateInput, mentionIds: bigint[], tags: string[], changes: StatusChanges = {}) {
    return this.db.$transaction(async (tx) => {
      if (changes.previous) await tx.statusEdit.create({ data: { statusId: id, ...changes.previous } });
      const status = await tx.status.update({ where: { id }, data });
      await tx.mention.deleteMany({ where: { statusId: id } });
      await tx.statusTag.deleteMany({ where: { statusId: id } });
      await this.link(tx, id, mentionIds, tags);
      if (changes.mediaIds) {
        await tx.mediaAttachment.updateMany({ where: { statusId: id, id: { notIn: changes.mediaIds } }, data: { statusId: null } });
        if (changes.mediaIds.length) await this.attachMedia(tx, id, status.accountId, changes.mediaIds);
      }
      for (const m of changes.mediaChanges ?? []) {
        const { id: mediaId, ...fields } = m;
        await tx.mediaAttachment.updateMany({ where: { id: mediaId, statusId: id }, data: fields });
      }
      if (changes.poll === null) await tx.poll.deleteMany({ where: { statusId: id } });
      if (changes.poll) {
        const { set, resetVotes } = changes.poll;
        const poll = await tx.poll.upsert({ where: { statusId: id }, create: { statusId: id, ...set }, update: set });
        if (resetVotes) await tx.pollVote.deleteMany({ where: { pollId: poll.id } });
      }
      return tx.status.findUnique({ where: { id }, include: statusInclude });
    });
  }

  /** Claims media for a status; all or nothing, so media cannot end up on two statuses. */
  private async attachMedia(tx: Tx, statusId: bigint, accountId: bigint, mediaIds: bigint[]) {
    await tx.mediaAttachment.updateMany({ where: { id: { in: mediaIds }, accountId, statusId: null }, data: { statusId } });
    const attached = await tx.mediaAttachment.count({ where: { id: { in: mediaIds }, statusId } });
    if (attached !== new Set(mediaIds).size) throw unprocessable("Validation failed: Media ids must be your own media, not attached to another status");
  }

  /** Deletes a status and its reblogs; counters follow, its media are detached for a redraft. Returns what was removed. */
  async delete(id: bigint) {
    return this.db.$transaction(async (tx) => {
      const status = await tx.status.findUnique({ where: { id }, include: { mentions: true, reblogOf: { select: { accountId: true } } } });
      if (!status) return null;
      await tx.status.delete({ where: { id } });
      await tx.account.update({ where: { id: status.accountId }, data: { statusesCount: { decrement: 1 } } });
      if (status.inReplyToId) {
        await tx.status.updateMany({ where: { id: status.inReplyToId, repliesCount: { gt: 0 } }, data: { repliesCount: { decrement: 1 } } });
      }
      if (status.reblogOfId) {
        await tx.status.updateMany({ where: { id: status.reblogOfId, reblogsCount: { gt: 0 } }, data: { reblogsCount: { decrement: 1 } } });
      }
      return status;
    });
  }

  private async link(tx: Tx, statusId: bigint, mentionIds: bigint[], tags: string[]) {
    if (mentionIds.length) {
      await tx.mention.createMany({ data: mentionIds.map((accountId) => ({ statusId, accountId })), skipDuplicates: true });
    }
    for (const name of tags) {
      const tag = await tx.tag.upsert({ where: { name }, update: {}, create: { name } });
      await tx.statusTag.createMany({ data: [{ statusId, tagId: tag.id }], skipDuplicates: true });
    }
  }

  publicPage(where: Prisma.StatusWhereInput, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.status.findMany({
      where: { ...where, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: statusInclude,
    });
  }

  ancestorsAndDescendants(id: bigint) {
    return this.db.status.findMany({ where: { inReplyToId: id }, include: statusInclude, orderBy: { id: "asc" } });
  }

  /** Earlier versions, oldest first. */
  edits(statusId: bigint) {
    return this.db.statusEdit.findMany({ where: { statusId }, orderBy: { id: "asc" } });
  }

  /** Who favourited a status, newest first, paged by the favourite's id. */
  favouritedBy(statusId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.favourite.findMany({
      where: { statusId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: { account: true },
    });
  }

  /** Who reblogged a status, newest first, paged by the reblog's id. */
  rebloggedBy(statusId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.status.findMany({
      where: { reblogOfId: statusId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      select: { id: true, account: true },
    });
  }
}

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Ids drawn for one status before giving up: a second draw meets an older row once in 2^16 at worst. */
const ID_DRAWS = 8;

type InsertedRow = Status & { mediaClaimed: number; authorStatusesCount: number | null; pollId: bigint | null; tagIds: bigint[]; tagNames: string[] };

/**
 * A status just written, put together as a read would return it from the row
 * and what the caller holds; the statement bumped the author's count and
 * `lastStatusAt`, so the author here has them too. Without local media and
 * not a reblog: those are read back.
 */
function assembled(row: InsertedRow, author: Account, mentioned: Account[], poll: StatusParts["poll"]): StatusView {
  const { mediaClaimed: _media, authorStatusesCount, pollId, tagIds, tagNames, ...status } = row;
  const account = { ...author, statusesCount: authorStatusesCount ?? author.statusesCount, lastStatusAt: status.updatedAt, updatedAt: status.updatedAt };
  // In key order, the order they were written in (insertStatement), as a read gives them.
  const byId = new Map(mentioned.map((a) => [a.id, a]));
  const mentions = [...byId.values()].sort((a, b) => compare(a.id, b.id)).map((a) => ({ statusId: status.id, accountId: a.id, account: a }));
  const tags = tagIds.map((tagId, i) => ({ statusId: status.id, tagId, tag: { id: tagId, name: tagNames[i]! } })).sort((a, b) => compare(a.tagId, b.tagId));
  return { ...status, account, mentions, tags, media: [], poll: poll && pollId !== null ? { ...poll, id: pollId, statusId: status.id, uri: poll.uri ?? null } : null, reblogOf: null };
}

/**
 * The status row and everything that comes with it in one statement (a
 * transaction of its own): the thread, mentions, tags, poll, local media and
 * the author's, parent's and reblogged status's counters are written only if
 * the row is (its uri, or an account's reblog of the status, is new). The
 * statement's text never varies, so PostgreSQL keeps one prepared plan for it.
 * One row when the status was written: the row, how many media it claimed,
 * the author's new count and the tags.
 */
function insertStatement(db: Db | Tx, data: NewStatusRow, mentionIds: bigint[], tags: string[], mediaIds: bigint[], parts: StatusParts) {
  const now = new Date();
  const reblogOfId = data.reblogOfId ?? null;
  // A reblog belongs to no thread; an original opens one unless it joins its parent's.
  const opensThread = reblogOfId === null && (parts.conversationId ?? null) === null;
  const conversationId = reblogOfId === null ? (parts.conversationId ?? null) : null;
  const poll = parts.poll ?? null;
  return queryRows<InsertedRow>(db, Prisma.sql`
    WITH thread_id AS MATERIALIZED (SELECT kith_id() AS id WHERE ${opensThread}),
    s AS (
      INSERT INTO "Status" (id, uri, url, "accountId", local, content, text, "spoilerText", sensitive, visibility, language,
        "inReplyToId", "inReplyToUri", "inReplyToAccountId", "reblogOfId", attachments, "conversationId", "createdAt", "editedAt", "updatedAt")
      VALUES (COALESCE(${data.id ?? null}::bigint, ${idAt(data.createdAt ?? now)}), ${data.uri}, ${data.url ?? null}, ${data.accountId}::bigint, ${data.local ?? false}, ${data.content ?? ""},
        ${data.text ?? null}, ${data.spoilerText ?? ""}, ${data.sensitive ?? false}, ${data.visibility ?? "public"}::"Visibility", ${data.language ?? null},
        ${data.inReplyToId ?? null}::bigint, ${data.inReplyToUri ?? null}, ${data.inReplyToAccountId ?? null}::bigint, ${reblogOfId}::bigint,
        ${JSON.stringify(data.attachments ?? [])}::jsonb, COALESCE(${conversationId}::bigint, (SELECT id FROM thread_id)), ${data.createdAt ?? now}::timestamp(3), ${data.editedAt ?? null}::timestamp(3), ${now}::timestamp(3))
      ON CONFLICT DO NOTHING
      RETURNING *
    ),
    thread AS (INSERT INTO "Conversation" (id) SELECT thread_id.id FROM s, thread_id),
    mentioned AS (INSERT INTO "Mention" ("statusId", "accountId") SELECT s.id, m FROM s, unnest(${mentionIds}::bigint[]) AS m ON CONFLICT DO NOTHING),
    tagged AS (
      INSERT INTO "Tag" (name) SELECT t.name FROM unnest(${tags}::text[]) AS t(name) WHERE EXISTS (SELECT 1 FROM s)
      -- DO UPDATE, not DO NOTHING: it returns the id of a tag that exists, even one another transaction just made.
      ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
      RETURNING id, name
    ),
    tag_links AS (INSERT INTO "StatusTag" ("statusId", "tagId") SELECT s.id, tagged.id FROM s, tagged ORDER BY tagged.id ON CONFLICT DO NOTHING),
    polled AS (
      INSERT INTO "Poll" (id, "statusId", options, votes, "votersCount", multiple, "hideTotals", "expiresAt", uri)
      SELECT kith_id(), s.id, ${poll?.options ?? []}::text[], ${poll?.votes ?? []}::int[], ${poll?.votersCount ?? 0}::int,
        ${poll?.multiple ?? false}, ${poll?.hideTotals ?? false}, ${poll?.expiresAt ?? null}::timestamp(3), ${poll?.uri ?? null}
      FROM s WHERE ${poll !== null}
      RETURNING id
    ),
    media AS (
      UPDATE "MediaAttachment" SET "statusId" = s.id FROM s
      WHERE "MediaAttachment".id = ANY(${mediaIds}::bigint[]) AND "MediaAttachment"."accountId" = ${data.accountId}::bigint AND "MediaAttachment"."statusId" IS NULL
      RETURNING 1
    ),
    author AS (
      UPDATE "Account" SET "statusesCount" = "statusesCount" + 1, "lastStatusAt" = ${now}::timestamp(3), "updatedAt" = ${now}::timestamp(3)
      WHERE id = ${data.accountId}::bigint AND EXISTS (SELECT 1 FROM s)
      RETURNING "statusesCount"
    ),
    counted AS (
      UPDATE "Status" SET "repliesCount" = "repliesCount" + CASE WHEN id = ${data.inReplyToId ?? null}::bigint THEN 1 ELSE 0 END,
        "reblogsCount" = "reblogsCount" + CASE WHEN id = ${reblogOfId}::bigint THEN 1 ELSE 0 END, "updatedAt" = ${now}::timestamp(3)
      WHERE id IN (${data.inReplyToId ?? null}::bigint, ${reblogOfId}::bigint) AND EXISTS (SELECT 1 FROM s)
    )
    SELECT s.*, (SELECT count(*) FROM media)::int AS "mediaClaimed", (SELECT "statusesCount" FROM author) AS "authorStatusesCount", (SELECT id FROM polled) AS "pollId",
      ARRAY(SELECT id FROM tagged ORDER BY name) AS "tagIds", ARRAY(SELECT name FROM tagged ORDER BY name) AS "tagNames"
    FROM s`);
}
