import type { DeliveryMessage } from "../delivery/consumer";

const SEND_BATCH_MAX = 100;

/** Puts delivery pointers on the queue. A lost send only delays: the sweeper finds the row. */
export async function enqueueDeliveries(queue: Queue<DeliveryMessage>, ids: readonly string[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH_MAX) {
    const chunk = ids.slice(i, i + SEND_BATCH_MAX);
    await queue.sendBatch(chunk.map((delivery_id) => ({ body: { delivery_id }, contentType: "json", delaySeconds })));
  }
}

export async function enqueueConfirmations(queue: Queue<DeliveryMessage>, invoiceIds: readonly string[]): Promise<void> {
  for (let i = 0; i < invoiceIds.length; i += SEND_BATCH_MAX) {
    const chunk = invoiceIds.slice(i, i + SEND_BATCH_MAX);
    await queue.sendBatch(chunk.map((confirm_invoice) => ({ body: { confirm_invoice }, contentType: "json" })));
  }
}
