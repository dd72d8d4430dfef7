import { Hono } from "hono/tiny";
import type { AppEnv } from "../http/context";
import { readStats } from "../store/stats";
import { requireApiToken } from "./auth";

export const stats = new Hono<AppEnv>();
stats.use("*", requireApiToken);

stats.get("/", async (c) => c.json(await readStats(c.env.DB, new Date())));
