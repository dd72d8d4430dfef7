import type { TestProject } from "vitest/node";
import { startLocalServer } from "./local-server";

/** Starts the loopback receiver/fake API in Node; workerd tests reach it over HTTP. */
export default async function setup(project: TestProject) {
  const server = await startLocalServer();
  project.provide("localServer" as never, server.url as never);
  return () => server.close();
}
