import { env } from "cloudflare:workers";
import type { QueueMessage } from "../../src/domain/message";

/**
 * The real DELIVERIES queue, watched: every send still goes to the queue and its message ids are
 * recorded; with `fail`, every send throws instead (a lost enqueue).
 */
export function watchedQueue(fail = false) {
  const sent: string[] = [];
  const queue = {
    send: async (body: QueueMessage) => {
      if (fail) throw new Error("queue unavailable");
      sent.push(body.id);
      return env.DELIVERIES.send(body);
    },
    sendBatch: async (msgs: Iterable<MessageSendRequest<QueueMessage>>) => {
      if (fail) throw new Error("queue unavailable");
      const list = [...msgs];
      sent.push(...list.map((m) => m.body.id));
      return env.DELIVERIES.sendBatch(list);
    },
  };
  return { queue, sent };
}
