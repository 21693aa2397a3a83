import type { SettingsService } from "../instance/settings.ts";
import type { DomainBlock, DomainBlockRepository } from "./domain-block.repository.ts";
import { domainCandidates } from "./domains.ts";

// Which servers we talk to, asked on every inbox POST and every delivery: the
// blocks and allows are read once and kept in memory for a few seconds, so the
// answer costs no query. A change made in this process applies at once; one
// made elsewhere (the CLI, another web process) within TTL_MS.

const TTL_MS = 5_000;

type Snapshot = { blocks: Map<string, DomainBlock>; allows: Set<string> };

export class DomainPolicy {
  private readonly repo: DomainBlockRepository;
  private readonly settings: SettingsService;
  private readonly localDomain: string;
  private cached: { at: number; value: Promise<Snapshot> } | null = null;

  constructor(repo: DomainBlockRepository, settings: SettingsService, localDomain: string) {
    this.repo = repo;
    this.settings = settings;
    this.localDomain = localDomain.toLowerCase();
  }

  /** Forget what was read: the next question reads the tables again. */
  invalidate() {
    this.cached = null;
  }

  private snapshot(): Promise<Snapshot> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.value;
    const value = Promise.all([this.repo.allBlocks(), this.repo.allAllows()]).then(([blocks, allows]) => ({
      blocks: new Map(blocks.map((b) => [b.domain, b])),
      allows: new Set(allows.map((a) => a.domain)),
    }));
    this.cached = { at: Date.now(), value };
    // A failed read is not remembered: the next question tries again.
    value.catch(() => {
      if (this.cached?.value === value) this.cached = null;
    });
    return value;
  }

  private isLocal(host: string) {
    return host.toLowerCase() === this.localDomain;
  }

  /** The block that covers `host` (its own, or its nearest parent domain's), if any. */
  async blockFor(host: string): Promise<DomainBlock | null> {
    if (this.isLocal(host)) return null;
    const { blocks } = await this.snapshot();
    for (const name of domainCandidates(host)) {
      const block = blocks.get(name);
      if (block) return block;
    }
    return null;
  }

  /** Whether activities may flow to and from `host`: not suspended, and allowed when the allow list is on. */
  async federates(host: string): Promise<boolean> {
    if (this.isLocal(host)) return true;
    // The mode is a setting (cached by SettingsService); the lists are ours.
    if (await this.settings.get("allowListMode")) {
      const { allows } = await this.snapshot();
      if (!domainCandidates(host).some((d) => allows.has(d))) return false;
    }
    return (await this.blockFor(host))?.severity !== "suspend";
  }

  async isSilenced(host: string) {
    return (await this.blockFor(host))?.severity === "silence";
  }

  async rejectsMedia(host: string) {
    return (await this.blockFor(host))?.rejectMedia === true;
  }

  async rejectsReports(host: string) {
    return (await this.blockFor(host))?.rejectReports === true;
  }

  /** The marks an account first met on `host` starts with: a silenced or suspended domain's (dated like its block). */
  async marksFor(host: string): Promise<{ silencedAt?: Date; suspendedAt?: Date }> {
    const block = host ? await this.blockFor(host) : null;
    if (block?.severity === "suspend") return { suspendedAt: block.createdAt };
    if (block?.severity === "silence") return { silencedAt: block.createdAt };
    return {};
  }

  /** `federates` for a URL (an actor id, a key id, an inbox). Unparseable URLs do not federate. */
  async federatesWith(url: string | URL): Promise<boolean> {
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return false;
    }
    return this.federates(host);
  }
}
