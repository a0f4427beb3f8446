// Reads nftables state from `nft -j` (JSON) output: which tables exist, the rules of a table and
// the packet counter of a rule found by its comment.

interface NftTable {
  readonly family: string;
  readonly name: string;
}

interface NftRule {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly comment?: string;
  readonly expr: readonly Record<string, unknown>[];
}

interface NftJson {
  readonly nftables: readonly { table?: NftTable; rule?: NftRule }[];
}

function parse(json: string): NftJson {
  const value = JSON.parse(json) as Partial<NftJson>;
  if (!Array.isArray(value.nftables)) throw new Error(`not nft -j output: ${json.slice(0, 200)}`);
  return value as NftJson;
}

/** Tables from `nft -j list tables`, as "family name" strings. */
export function tableNames(json: string): string[] {
  return parse(json).nftables.flatMap((item) => (item.table ? [`${item.table.family} ${item.table.name}`] : []));
}

/** Rules from `nft -j list table ...`. */
export function rules(json: string): NftRule[] {
  return parse(json).nftables.flatMap((item) => (item.rule ? [item.rule] : []));
}

/**
 * Packets counted by the rule whose comment is `commentPrefix`, or else the one rule whose comment
 * starts with it (several such rules and no exact match is an error, never a guess).
 */
export function counterPackets(json: string, commentPrefix: string): number {
  const candidates = rules(json).filter((candidate) => candidate.comment?.startsWith(commentPrefix));
  const rule = candidates.find((candidate) => candidate.comment === commentPrefix) ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!rule) {
    throw new Error(candidates.length === 0 ? `no rule with a comment starting "${commentPrefix}"` : `several rules have a comment starting "${commentPrefix}": ${candidates.map((c) => `"${c.comment ?? ''}"`).join(', ')}`);
  }
  for (const expression of rule.expr) {
    const counter = expression.counter as { packets?: number } | undefined;
    if (counter?.packets !== undefined) return counter.packets;
  }
  throw new Error(`rule "${rule.comment ?? ''}" has no counter`);
}
