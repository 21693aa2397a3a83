import type { AccountService } from "../accounts/account.service.ts";
import { notFound, unprocessable } from "../errors.ts";
import type { FollowService } from "../follows/follow.service.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { ListFields, ListRepository } from "./list.repository.ts";

export const REPLIES_POLICIES = ["followed", "list", "none"] as const;
export type RepliesPolicy = (typeof REPLIES_POLICIES)[number];

/** Mastodon's cap on lists per account. */
export const MAX_LISTS = 50;

export class ListService {
  private readonly lists: ListRepository;
  private readonly follows: FollowService;
  private readonly accounts: AccountService;

  constructor(lists: ListRepository, follows: FollowService, accounts: AccountService) {
    this.lists = lists;
    this.follows = follows;
    this.accounts = accounts;
  }

  /** One of the owner's lists, or 404 (someone else's list does not exist for you). */
  async get(ownerId: bigint, id: bigint) {
    const list = await this.lists.find(ownerId, id);
    if (!list) throw notFound("List");
    return list;
  }

  all(ownerId: bigint) {
    return this.lists.all(ownerId);
  }

  containing(ownerId: bigint, memberId: bigint) {
    return this.lists.containing(ownerId, memberId);
  }

  async create(ownerId: bigint, fields: ListFields) {
    if ((await this.lists.count(ownerId)) >= MAX_LISTS) throw unprocessable(`You cannot have more than ${MAX_LISTS} lists`);
    return this.lists.create({ accountId: ownerId, ...fields });
  }

  async update(ownerId: bigint, id: bigint, fields: Partial<ListFields>) {
    await this.get(ownerId, id);
    return this.lists.update(id, fields);
  }

  async delete(ownerId: bigint, id: bigint) {
    await this.get(ownerId, id);
    await this.lists.delete(id);
  }

  async members(ownerId: bigint, id: bigint, range: IdRange) {
    await this.get(ownerId, id);
    const rows = await this.lists.members(id, idWhere(range), range.limit, range.minId !== undefined);
    return newestFirst(rows.map((r) => ({ ...r.account, id: r.accountId })));
  }

  /** Only accounts the owner follows (or asked to follow) may be members, as on Mastodon. */
  async addMembers(ownerId: bigint, id: bigint, accountIds: bigint[]) {
    await this.get(ownerId, id);
    if (!accountIds.length) throw unprocessable("Validation failed: account_ids can't be blank");
    const found = await this.accounts.findByIds(accountIds);
    if (found.filter((a) => !a.suspendedAt).length !== accountIds.length) throw notFound("Account");
    const relationships = await this.follows.relationships(ownerId, accountIds);
    const notFollowed = relationships.filter((r) => !r.following && !r.requested);
    if (notFollowed.length) throw unprocessable("Validation failed: You must follow an account to add it to a list");
    await this.lists.addMembers(id, ownerId, accountIds);
  }

  async removeMembers(ownerId: bigint, id: bigint, accountIds: bigint[]) {
    await this.get(ownerId, id);
    if (accountIds.length) await this.lists.removeMembers(id, accountIds);
  }
}
