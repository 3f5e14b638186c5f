import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError } from "./errors.js";
import type { Ctx, Reply } from "./handlers/context.js";
import { ANONYMOUS, HANDLERS } from "./handlers/index.js";
import type { Urls } from "./render.js";
import type { Store } from "./store.js";
import { API, checkBody, checkParameters, findRoute, type Route } from "./swagger.js";
import type { UserRec } from "./types.js";

export interface RequestRecord {
  method: string;
  /** API-relative and decoded, e.g. `/repos/org/app/issues`. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The token's user, when the token was valid. */
  user?: string;
  ms: number;
}

/** What the request pipeline reads and writes; owned by GiteaSandbox. */
export interface ServerState {
  store: Store;
  urls: Urls;
  pageSizes: { max: number; default: number };
  failureRate: number;
  latencyMs: number;
  random: () => number;
  requests: RequestRecord[];
  violations: string[];
}

const API_PREFIX = "/api/v1";

/** What nginx answers while the upstream is down: HTML, not JSON. */
const BAD_GATEWAY = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `token X` or `Bearer X`; undefined when no Authorization header was sent. */
function tokenOf(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

interface Parsed {
  route: Route | undefined;
  body: unknown;
  problems: string[];
}

/** Matches the request against the swagger subset; every mismatch is a problem. */
function parse(method: string, apiPath: string | undefined, query: URLSearchParams, text: string): Parsed {
  if (apiPath === undefined)
    return { route: undefined, body: undefined, problems: [`not under ${API_PREFIX}`] };
  const route = findRoute(method, apiPath.split("/").filter(Boolean).map(decode));
  if (!route) {
    return {
      route,
      body: undefined,
      problems: [`${method} ${apiPath} is not an operation of Gitea's API subset`],
    };
  }
  const problems = checkParameters(route, query);
  let body: unknown;
  const hasBody = text.trim().length > 0;
  if (hasBody) {
    try {
      body = JSON.parse(text);
    } catch {
      problems.push("body is not JSON");
      return { route, body, problems };
    }
  }
  problems.push(...checkBody(route, body, hasBody));
  return { route, body, problems };
}

function sendJson(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(json)}\n`;
  res.writeHead(status, {
    "Content-Type": "application/json;charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.json === undefined) {
    res.writeHead(reply.status, { "Content-Length": 0, ...reply.headers });
    res.end();
  } else sendJson(res, reply.status, reply.json, reply.headers);
}

/** Gitea's error shape; a 500's message is blank for anyone but a site admin, as in production. */
function sendError(
  res: ServerResponse,
  state: ServerState,
  error: ApiError,
  doer: UserRec | undefined,
): void {
  if (error.emptyBody) {
    sendReply(res, { status: error.status });
    return;
  }
  const message = error.status === 500 && !doer?.admin ? "" : error.message;
  sendJson(res, error.status, { message, url: `${state.urls.app}api/swagger` });
}

/**
 * One request: latency, swagger validation (violations are recorded even when the request
 * then fails), injected 502 instead of handling, authentication, the handler.
 */
export async function serve(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://sandbox.invalid");
  const apiPath =
    url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)
      ? url.pathname.slice(API_PREFIX.length) || "/"
      : undefined;
  let doer: UserRec | undefined;
  let status = 500;
  try {
    const text = await readBody(req);
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const { route, body, problems } = parse(method, apiPath, url.searchParams, text);
    if (problems.length > 0)
      state.violations.push(`${method} ${url.pathname}${url.search}: ${problems.join("; ")}`);
    if (state.failureRate > 0 && state.random() < state.failureRate) {
      status = 502;
      res.writeHead(502, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(BAD_GATEWAY) });
      res.end(BAD_GATEWAY);
      return;
    }
    if (!route || problems.length > 0) {
      throw new ApiError(
        400,
        `sandbox: request not in Gitea ${API.giteaVersion}'s swagger: ${problems.join("; ")}`,
      );
    }
    const token = tokenOf(req.headers.authorization);
    if (token !== undefined) {
      doer = token === null ? undefined : state.store.tokens.get(token);
      if (!doer) throw new ApiError(401, "invalid username, password or token");
    } else if (!ANONYMOUS.has(route.key)) {
      throw new ApiError(401, "token is required");
    }
    const handler = HANDLERS[route.key];
    if (!handler) throw new Error(`no handler for ${route.key}`);
    const ctx: Ctx = {
      store: state.store,
      doer,
      params: route.params,
      query: url.searchParams,
      body,
      urls: state.urls,
      rawPath: url.pathname,
      pageSizes: state.pageSizes,
    };
    const reply = handler(ctx);
    status = reply.status;
    sendReply(res, reply);
  } catch (error) {
    if (error instanceof ApiError) {
      status = error.status;
      sendError(res, state, error, doer);
    } else {
      // A sandbox bug: say so loudly to whoever is asking.
      status = 500;
      sendJson(res, 500, { message: `sandbox bug: ${String(error)}`, url: `${state.urls.app}api/swagger` });
    }
  } finally {
    state.requests.push({
      method,
      path: decode(apiPath ?? url.pathname),
      query: Object.fromEntries(url.searchParams),
      status,
      ...(doer ? { user: doer.login } : {}),
      ms: performance.now() - started,
    });
  }
}
