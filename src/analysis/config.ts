/** Validation of a workspace analysis configuration read from JSON (a file, a message): brands, products, competitors, topics. */
import type { DictionaryEntry, TopicDefinition, WorkspaceAnalysisConfig } from './types.ts';

/** A configuration that does not have the documented shape; the message says where. */
export class AnalysisConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisConfigError';
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new AnalysisConfigError(`${where} must be an array of strings`);
  return value;
}

function list(raw: Record<string, unknown>, key: string): unknown[] {
  const value = raw[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AnalysisConfigError(`"${key}" must be an array`);
  return value;
}

function dictionary(raw: Record<string, unknown>, key: string): DictionaryEntry[] {
  return list(raw, key).map((entry, i) => {
    // A bare string is a name without aliases.
    if (typeof entry === 'string') return { name: entry };
    if (!isRecord(entry) || typeof entry['name'] !== 'string' || entry['name'].trim() === '') throw new AnalysisConfigError(`${key}[${i}] needs a non-empty string "name"`);
    return { name: entry['name'], aliases: strings(entry['aliases'], `${key}[${i}].aliases`) };
  });
}

function topics(raw: Record<string, unknown>): TopicDefinition[] {
  return list(raw, 'topics').map((entry, i) => {
    if (!isRecord(entry) || typeof entry['name'] !== 'string' || entry['name'].trim() === '') throw new AnalysisConfigError(`topics[${i}] needs a non-empty string "name"`);
    return { name: entry['name'], keywords: strings(entry['keywords'], `topics[${i}].keywords`) };
  });
}

/** Parses `{brands?, products?, competitors?, topics?}`; missing lists are empty, anything else malformed throws. */
export function parseWorkspaceConfig(raw: unknown): WorkspaceAnalysisConfig {
  if (!isRecord(raw)) throw new AnalysisConfigError('the workspace configuration must be a JSON object with brands, products, competitors and topics');
  return { brands: dictionary(raw, 'brands'), products: dictionary(raw, 'products'), competitors: dictionary(raw, 'competitors'), topics: topics(raw) };
}
