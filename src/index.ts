import { buildApp } from "./app";
import { handleQueue } from "./queue";
import { runScheduled } from "./scheduled";

const app = buildApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    await handleQueue(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    await runScheduled(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, unknown>;
