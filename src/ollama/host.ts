// OLLAMA_HOST read as the ollama CLI reads it: a port of envconfig.Host() and
// envconfig.ConnectableHost() (github.com/ollama/ollama, envconfig/config.go).
import { isIPv4, isIPv6 } from "node:net";

/** Ollama's port when OLLAMA_HOST names no scheme (`gpu-box` -> `http://gpu-box:11434`). */
export const OLLAMA_DEFAULT_PORT = "11434";

/**
 * The server URL an `OLLAMA_HOST` value means, as the ollama client connects to it:
 * - spaces and quotes around the value are dropped (`"gpu:11434"` in a systemd unit);
 * - no scheme: `http`, port 11434; `http://host`: port 80; `https://host`: port 443
 *   (other schemes keep 11434); bare `ollama.com` is `https://ollama.com:443`;
 * - no host (`:1234`, or nothing at all): 127.0.0.1;
 * - a port that is not a number from 0 to 65535: the default port;
 * - a path (`https://proxy/ollama`) is kept, as a reverse proxy's prefix;
 * - the bind-all addresses `0.0.0.0` and `::` (what `ollama serve` listens on) become the
 *   loopback address of their family, since a client cannot connect to them.
 * Returns undefined for an empty (or blank) value: unset.
 */
export function ollamaHostUrl(value: string | undefined): string | undefined {
  // envconfig.Var trims spaces, then quotes; Host trims spaces again.
  const s = (value ?? "")
    .trim()
    .replace(/^["']+|["']+$/g, "")
    .trim();
  if (s === "") return undefined;
  let defaultPort = OLLAMA_DEFAULT_PORT;
  let scheme = "http";
  let hostport = s;
  const separator = s.indexOf("://");
  if (separator === -1) {
    if (s === "ollama.com") {
      scheme = "https";
      hostport = "ollama.com:443";
    }
  } else {
    scheme = s.slice(0, separator);
    hostport = s.slice(separator + 3);
    if (scheme === "http") defaultPort = "80";
    else if (scheme === "https") defaultPort = "443";
  }
  const slash = hostport.indexOf("/");
  const path = slash === -1 ? "" : hostport.slice(slash + 1);
  if (slash !== -1) hostport = hostport.slice(0, slash);

  let host: string;
  let port: string;
  const split = splitHostPort(hostport);
  if (split) {
    ({ host, port } = split);
  } else {
    host = "127.0.0.1";
    port = defaultPort;
    const ip = canonicalIp(hostport.replace(/^[[\]]+|[[\]]+$/g, ""));
    if (ip !== undefined) host = ip;
    else if (hostport !== "") host = hostport;
  }
  // Go's strconv.ParseInt(port, 10, 32), then the 0..65535 check.
  if (!/^[+-]?\d+$/.test(port) || Number(port) > 65_535 || Number(port) < 0) port = defaultPort;
  // ConnectableHost: bind-all addresses are not addresses to connect to.
  const ip = canonicalIp(host);
  if (ip === "0.0.0.0") host = "127.0.0.1";
  else if (ip === "::") host = "::1";
  // Go's dialer takes an empty host as the local system; fetch needs one.
  if (host === "") host = "127.0.0.1";
  const url = `${scheme}://${joinHostPort(host, port)}${path === "" ? "" : `/${path}`}`;
  return url.replace(/\/+$/, "");
}

/** Go's net.SplitHostPort; undefined where it returns an error (no port, too many colons, stray brackets). */
function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const colon = hostport.lastIndexOf(":");
  if (colon === -1) return undefined;
  let host: string;
  let openFrom = 0;
  let closeFrom = 0;
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]", 1);
    // No closing bracket, nothing after it, or something other than the port's colon after it.
    if (end === -1 || end + 1 !== colon) return undefined;
    host = hostport.slice(1, end);
    openFrom = 1;
    closeFrom = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(":")) return undefined;
  }
  if (hostport.indexOf("[", openFrom) !== -1 || hostport.indexOf("]", closeFrom) !== -1) return undefined;
  return { host, port: hostport.slice(colon + 1) };
}

/** Go's net.JoinHostPort: an IPv6 host in brackets. */
function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * An IP address in Go's net.IP.String() form (IPv6 compressed, IPv4-mapped IPv6 as dotted
 * IPv4), or undefined when the text is not an IP address.
 */
function canonicalIp(text: string): string | undefined {
  if (isIPv4(text)) return text;
  // Go's ParseIP takes no zone (`fe80::1%eth0`).
  if (!isIPv6(text) || text.includes("%")) return undefined;
  const compressed = new URL(`http://[${text}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const high = Number.parseInt(mapped[1]!, 16);
  const low = Number.parseInt(mapped[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}
