// Paging against forges that clamp the page size and send fewer headers than Gitea: a real
// loopback server, since the point is what ForgeClient does with real HTTP answers.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ForgeClient } from "../../src/forge/client.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Serves `total` issues, at most `clamp` a page, with only the headers asked for. */
async function serve(total: number, clamp: number, headers: { link?: boolean; count?: boolean }) {
  const requests: string[] = [];
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://forge");
    requests.push(url.search);
    const page = Number(url.searchParams.get("page") ?? "1");
    const limit = Math.min(Number(url.searchParams.get("limit") ?? "30"), clamp);
    const items = Array.from({ length: total }, (_, index) => ({ number: index + 1 })).slice(
      (page - 1) * limit,
      page * limit,
    );
    if (headers.count) response.setHeader("x-total-count", String(total));
    if (headers.link && page * limit < total) response.setHeader("link", `<${url.href}>; rel="next"`);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(items));
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const { port } = server!.address() as AddressInfo;
  const client = new ForgeClient({
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    token: () => "t",
    retryDelayMs: 1,
  });
  return { client, requests };
}

describe("ForgeClient paging", () => {
  it("follows Link, one request per page", async () => {
    const { client, requests } = await serve(120, 50, { link: true, count: true });
    expect(await client.all("/repos/o/r/issues")).toHaveLength(120);
    expect(requests).toHaveLength(3);
  });

  it("pages by X-Total-Count when the server clamps below our page size", async () => {
    const { client, requests } = await serve(45, 20, { count: true });
    expect(await client.all("/repos/o/r/issues")).toHaveLength(45);
    expect(requests).toHaveLength(3);
  });

  it("without either header, reads on until a short or empty page", async () => {
    const clamped = await serve(45, 20, {});
    expect(await clamped.client.all("/repos/o/r/issues")).toHaveLength(45);
    expect(clamped.requests).toHaveLength(3);
  });

  it("asks for one empty page too many only when a header-less server's last page is full", async () => {
    const { client, requests } = await serve(40, 20, {});
    expect(await client.all("/repos/o/r/issues")).toHaveLength(40);
    expect(requests).toHaveLength(3);
  });
});
