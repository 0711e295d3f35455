import { Type } from 'typebox';
import type { ChannelDriver } from '../driver.ts';
import { parseCanonicalJson } from '../webhook/webhook.driver.ts';

/** Bulk import of canonical posts, one JSON object per line (see docs/CANONICAL.md). */
export const jsonlDriver: ChannelDriver = {
  type: 'jsonl',
  label: 'Canonical JSON lines import',
  settingsSchema: Type.Object({ channel: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]*$' })) }, { additionalProperties: false }),
  secretKeys: [],
  receivesWebhooks: false,
  importFraming: 'lines',
  parse(payload, connection) {
    const channel = typeof connection?.settings['channel'] === 'string' ? connection.settings['channel'] : 'import';
    return parseCanonicalJson(payload, channel);
  },
};
