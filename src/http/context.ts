import type { Config } from "../config";
import type { Actor, Scope } from "../domain/audit";

/** What every handler may read from the context, set once per request in app.ts. */
export type AppEnv = {
  Bindings: Env;
  Variables: { requestId: string; config: Config; started: number; actor: Actor; scope: Scope };
};
