import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { FastifyBaseLogger } from 'fastify';

/** NATS could not be reached at start-up, or it runs without JetStream: the role cannot work. */
export class NatsUnavailableError extends Error {
  override readonly name = 'NatsUnavailableError';
}

export interface NatsLink {
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** Lets in-flight publishes and acks go out, then closes. */
  close(): Promise<void>;
}

/**
 * Connects to NATS_URL and checks that JetStream is on. The first connection must succeed (a role that
 * cannot reach its queue says so and exits); after that the client reconnects forever, so a NATS restart
 * is survived by every process.
 */
export async function connectNats(url: string, name: string, log: FastifyBaseLogger): Promise<NatsLink> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000, pingInterval: 10_000 });
  } catch (error) {
    throw new NatsUnavailableError(`cannot reach NATS at ${url} (${reason(error)}); check NATS_URL and that nats-server runs`);
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (error) {
    await nc.close();
    throw new NatsUnavailableError(`NATS at ${url} has no JetStream (${reason(error)}); start nats-server with -js`);
  }
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') log.warn({ nats: status.type }, `NATS ${status.type}`);
    }
  })().catch(() => undefined);
  return {
    nc,
    jsm,
    async close() {
      if (nc.isClosed()) return;
      await nc.drain().catch(() => nc.close());
    },
  };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Milliseconds as the nanoseconds JetStream configurations count in. */
export const nanos = (ms: number): number => ms * 1_000_000;
