// No test may reach the network by accident: only loopback is allowed (ofetch/cache habit).
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`test tried to reach ${url.origin}: only loopback is allowed in tests`);
  }
  return realFetch(input, init);
}) as typeof fetch;
