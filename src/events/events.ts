/**
 * What the pipeline tells later capabilities (engagement, rollups, graph, outbound webhooks) after each
 * commit. Delivery is at least once: every consumer must be idempotent on `id`.
 *
 * Two transports implement EventBus: in process (default, `townhall start`) and NATS JetStream when
 * NATS_URL is set (src/events/jetstream.ts). Both carry the same JSON.
 */

export const EVENT_TYPES = [
  'post.stored',
  'post.updated',
  'post.deleted',
  'engagement.changed',
  'identity.linked',
  'intake.dead',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface PipelineEvent {
  /** Stable across redeliveries: `<type>:<subject id>:<version>`, so consumers can dedupe. */
  id: string;
  type: EventType;
  workspaceId: string;
  /** ISO time the change was committed. */
  at: string;
  /** Ids only (post id, raw intake id, identity id, contact id...): consumers read the rows they need. */
  data: Record<string, string | number | boolean | null>;
}

export type EventHandler = (event: PipelineEvent) => Promise<void>;

export interface Subscription {
  /** Stops receiving; in-flight handlers finish first. */
  close(): Promise<void>;
}

export interface EventBus {
  /** Called after the transaction that made the change committed; resolves once the transport accepted the events. */
  publish(events: PipelineEvent[]): Promise<void>;
  /**
   * A durable named consumer: each event reaches one subscriber of the same name (work sharing across
   * processes); a handler that throws gets the event again later. Different names each get every event.
   */
  subscribe(name: string, handler: EventHandler): Subscription;
  close(): Promise<void>;
}
