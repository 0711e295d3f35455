import type { EventBus, EventHandler, PipelineEvent, Subscription } from './events.ts';

/**
 * The default transport of `townhall start`: events go to this process's subscribers, one queue per
 * consumer name, retried with backoff when a handler throws. Not durable across a restart: consumers
 * that must not miss an event also read the store (the rows the events name are committed first).
 */
export class InProcessEventBus implements EventBus {
  private readonly consumers = new Map<string, Consumer>();

  async publish(events: PipelineEvent[]): Promise<void> {
    for (const consumer of this.consumers.values()) consumer.push(events);
  }

  subscribe(name: string, handler: EventHandler): Subscription {
    if (this.consumers.has(name)) throw new Error(`an in-process consumer named "${name}" already exists`);
    const consumer = new Consumer(handler);
    this.consumers.set(name, consumer);
    return {
      close: async () => {
        this.consumers.delete(name);
        await consumer.close();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.close()));
    this.consumers.clear();
  }
}

const MAX_BACKOFF_MS = 30_000;

class Consumer {
  private readonly queue: PipelineEvent[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly handler: EventHandler) {}

  push(events: PipelineEvent[]): void {
    if (this.closed) return;
    this.queue.push(...events);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    let backoff = 100;
    while (!this.closed && this.queue.length > 0) {
      const event = this.queue[0]!;
      try {
        await this.handler(event);
        this.queue.shift();
        backoff = 100;
      } catch {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.running;
  }
}
