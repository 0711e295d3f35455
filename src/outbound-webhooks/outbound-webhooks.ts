import type { EventBus } from '../events/events.ts';
import { startDeliveryWorker, type DeliveryDeps } from './delivery.worker.ts';
import { subscribeOutboundWebhooks } from './webhooks.service.ts';

/**
 * What a worker process runs for outbound webhooks: the `outbound-webhooks` consumer of the event bus
 * (events become delivery rows) and the delivery loop (rows become signed POSTs). Without a bus the
 * loop still sends pings and redeliveries.
 */
export function startOutboundWebhooks(deps: DeliveryDeps, events: EventBus | undefined, pollMs?: number): { stop(): Promise<void> } {
  const worker = startDeliveryWorker(deps, pollMs);
  const consumer = events ? subscribeOutboundWebhooks(events, deps.db, deps.now, worker.notify) : undefined;
  return {
    async stop() {
      await consumer?.close();
      await worker.stop();
    },
  };
}
