import { buildApp } from "./app";
import { consumeDeadLetters, consumeDeliveries, type DeliveryMessage } from "./delivery/consumer";
import { sweep } from "./delivery/sweeper";

const app = buildApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    // The dead-letter queue shares this consumer; wrangler.toml names it "<queue>-dlq".
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeDeliveries(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    await sweep(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
