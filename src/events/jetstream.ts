import { AckPolicy, DeliverPolicy, jetstream, RetentionPolicy, StorageType, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { FastifyBaseLogger } from 'fastify';
import { nanos, type NatsLink } from '../platform/nats.ts';
import { EVENT_TYPES, type EventBus, type EventHandler, type EventType, type PipelineEvent, type Subscription } from './events.ts';

export const EVENTS_STREAM = 'TOWNHALL_EVENTS';
const SUBJECT_PREFIX = 'townhall.events.';

export interface JetStreamEventBusOptions {
  /** How long a handler may take before the event is delivered again (default 30 s). */
  ackWaitMs?: number;
  /** Deliveries before an event is given up and logged as dead (default 5). */
  maxDeliver?: number;
  /** How long the stream keeps events (default 7 days): a consumer down longer misses older ones. */
  maxAgeMs?: number;
}

/**
 * The EventBus of `townhall api`/`worker` (and `start` with NATS_URL): one stream with limits retention
 * (every consumer name reads every event), subjects `townhall.events.<type>`, and one durable pull
 * consumer per subscribe name shared by every process that subscribes with it. A handler's success acks
 * the event; a failure asks for it again with backoff; after maxDeliver deliveries it is logged as dead.
 */
export class JetStreamEventBus implements EventBus {
  private readonly js: JetStreamClient;
  private readonly subscriptions = new Set<Subscription>();
  private readonly ackWaitMs: number;
  private readonly maxDeliver: number;

  private constructor(
    private readonly link: NatsLink,
    private readonly log: FastifyBaseLogger,
    options: JetStreamEventBusOptions,
  ) {
    this.js = jetstream(link.nc);
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.maxDeliver = options.maxDeliver ?? 5;
  }

  /** Creates (or updates) the events stream, then the bus. */
  static async open(link: NatsLink, log: FastifyBaseLogger, options: JetStreamEventBusOptions = {}): Promise<JetStreamEventBus> {
    const config = {
      name: EVENTS_STREAM,
      subjects: [`${SUBJECT_PREFIX}>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(options.maxAgeMs ?? 7 * 24 * 3600_000),
      // Event ids are the publish ids: a relay that publishes the same event twice stores it once.
      duplicate_window: nanos(120_000),
    };
    await link.jsm.streams.add(config).catch(async () => link.jsm.streams.update(EVENTS_STREAM, config));
    return new JetStreamEventBus(link, log, options);
  }

  async publish(events: PipelineEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.js.publish(SUBJECT_PREFIX + event.type, JSON.stringify(event), { msgID: event.id })));
  }

  subscribe(name: string, handler: EventHandler): Subscription {
    const durable = `events-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    let closed = false;
    let stopCurrent: (() => void) | undefined;
    const loop = (async () => {
      let failures = 0;
      while (!closed) {
        try {
          await this.link.jsm.consumers.add(EVENTS_STREAM, {
            durable_name: durable,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.New,
            ack_wait: nanos(this.ackWaitMs),
            max_deliver: this.maxDeliver,
            filter_subject: `${SUBJECT_PREFIX}>`,
          });
          const consumer = await this.js.consumers.get(EVENTS_STREAM, durable);
          const messages = await consumer.consume({ max_messages: 100 });
          stopCurrent = () => void messages.stop();
          if (closed) messages.stop();
          failures = 0;
          for await (const message of messages) await this.handle(message, handler, durable);
        } catch (error) {
          if (closed) return;
          failures++;
          this.log.warn({ err: error, consumer: durable }, 'event consumer interrupted; resuming');
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 10_000)));
        }
      }
    })();
    const subscription: Subscription = {
      close: async () => {
        closed = true;
        stopCurrent?.();
        await loop;
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async handle(message: JsMsg, handler: EventHandler, durable: string): Promise<void> {
    const event = parseEvent(message.string());
    if (!event) {
      this.log.error({ consumer: durable, subject: message.subject }, 'event is not a PipelineEvent; dropped');
      message.term('not a PipelineEvent');
      return;
    }
    try {
      await handler(event);
      message.ack();
    } catch (error) {
      const deliveries = message.info.deliveryCount;
      if (deliveries >= this.maxDeliver) {
        this.log.error({ err: error, consumer: durable, eventId: event.id, deliveries }, 'event handler kept failing; the event is dead for this consumer');
        message.term('handler kept failing');
      } else {
        message.nak(Math.min(1000 * 2 ** deliveries, 60_000));
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }
}

function parseEvent(text: string): PipelineEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, type, workspaceId, at, data } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof workspaceId !== 'string' || typeof at !== 'string') return undefined;
  if (!(EVENT_TYPES as readonly unknown[]).includes(type) || typeof data !== 'object' || data === null) return undefined;
  return { id, type: type as EventType, workspaceId, at, data: data as PipelineEvent['data'] };
}
