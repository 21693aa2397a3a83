import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { unprocessable } from "../errors.ts";
import type { FollowService } from "../follows/follow.service.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { LocalUrls } from "../urls.ts";
import type { BlockRepository } from "./block.repository.ts";

export class BlockService {
  private readonly blocks: BlockRepository;
  private readonly accounts: AccountService;
  private readonly follows: FollowService;
  private readonly jobs: JobQueue;
  private readonly urls: LocalUrls;

  constructor(blocks: BlockRepository, accounts: AccountService, follows: FollowService, jobs: JobQueue, urls: LocalUrls) {
    this.blocks = blocks;
    this.accounts = accounts;
    this.follows = follows;
    this.jobs = jobs;
    this.urls = urls;
  }

  async block(account: Account, targetId: bigint) {
    if (account.id === targetId) throw unprocessable("You cannot block yourself");
    const target = await this.accounts.get(targetId);
    const id = await this.blocks.reserveId();
    const { block, created } = await this.blocks.create({ id, accountId: account.id, targetId, uri: this.urls.block(account.username, id) });
    if (!created) return block;
    // Like Mastodon: a remote follower we block is told its follow ended.
    const theirFollow = await this.follows.findFollow(targetId, account.id);
    await this.follows.sever(account.id, targetId);
    if (target.domain !== null) {
      if (theirFollow) {
        await this.jobs.enqueue("federate", { kind: "rejectFollow", followUri: theirFollow.uri, followerId: String(targetId), targetId: String(account.id) });
      }
      await this.jobs.enqueue("federate", { kind: "block", blockId: String(block.id) });
    }
    return block;
  }

  async unblock(account: Account, targetId: bigint) {
    const removed = await this.blocks.remove(account.id, targetId);
    const target = await this.accounts.findById(targetId);
    if (removed && target?.domain) {
      await this.jobs.enqueue("federate", { kind: "undoBlock", blockUri: removed.uri, accountId: String(account.id), targetId: String(targetId) });
    }
  }

  async receiveBlock(actor: Account, target: Account, uri: string) {
    if (target.domain !== null) return;
    await this.blocks.create({ accountId: actor.id, targetId: target.id, uri });
    await this.follows.sever(actor.id, target.id);
  }

  async receiveUndoBlock(actor: Account, target: Account) {
    await this.blocks.remove(actor.id, target.id);
  }

  findById(id: bigint) {
    return this.blocks.findById(id);
  }
}
