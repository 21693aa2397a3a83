import { notFound, unprocessable } from "../errors.ts";
import type { Rule, RuleRepository } from "./rule.repository.ts";

// The server rules people agree to at sign-up and name in reports.

export const MAX_RULE_TEXT = 300;
export const MAX_RULE_HINT = 2000;

export class RuleService {
  private readonly rules: RuleRepository;

  constructor(rules: RuleRepository) {
    this.rules = rules;
  }

  list(): Promise<Rule[]> {
    return this.rules.all();
  }

  findByIds(ids: bigint[]) {
    return ids.length ? this.rules.findByIds(ids) : Promise.resolve([]);
  }

  async get(id: bigint): Promise<Rule> {
    const rule = await this.rules.find(id);
    if (!rule) throw notFound("Record");
    return rule;
  }

  add(input: { text: string; hint?: string; position?: number }): Promise<Rule> {
    const text = input.text.trim();
    if (!text) throw unprocessable("text can't be blank");
    if (text.length > MAX_RULE_TEXT) throw unprocessable(`text is limited to ${MAX_RULE_TEXT} characters`);
    if ((input.hint ?? "").length > MAX_RULE_HINT) throw unprocessable(`hint is limited to ${MAX_RULE_HINT} characters`);
    return this.rules.create({ text, hint: input.hint?.trim() ?? "", position: input.position });
  }

  async update(id: bigint, changes: { text?: string; hint?: string; position?: number }): Promise<Rule> {
    await this.get(id);
    if (changes.text !== undefined && !changes.text.trim()) throw unprocessable("text can't be blank");
    if (changes.text !== undefined && changes.text.length > MAX_RULE_TEXT) throw unprocessable(`text is limited to ${MAX_RULE_TEXT} characters`);
    if (changes.hint !== undefined && changes.hint.length > MAX_RULE_HINT) throw unprocessable(`hint is limited to ${MAX_RULE_HINT} characters`);
    return this.rules.update(id, { ...(changes.text !== undefined ? { text: changes.text.trim() } : {}), ...(changes.hint !== undefined ? { hint: changes.hint.trim() } : {}), ...(changes.position !== undefined ? { position: changes.position } : {}) });
  }

  async remove(id: bigint): Promise<Rule> {
    const rule = await this.get(id);
    await this.rules.delete(id);
    return rule;
  }
}
