/**
 * Ollama model names are `[host/][namespace/]model[:tag]`, defaulting to the host
 * `registry.ollama.ai`, the namespace `library` and the tag `latest`: `gemma3`,
 * `gemma3:latest`, `library/gemma3` and `registry.ollama.ai/library/gemma3:latest` are one
 * model, which `/api/tags` lists as `gemma3:latest`. Names are case-insensitive.
 */
const DEFAULT_HOST = "registry.ollama.ai";
const DEFAULT_NAMESPACE = "library";
const DEFAULT_TAG = "latest";

/**
 * The canonical form of a model name, as the server shows it (types/model/name.go: ParseName,
 * then DisplayShortest), lower-cased: the default host and namespace dropped, the tag added.
 */
export function normaliseModelName(name: string): string {
  let rest = name.trim().toLowerCase();
  let tag = DEFAULT_TAG;
  // "/" cannot be in a tag, so a colon after the last slash starts the tag; one before it
  // belongs to a registry host:port.
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1) || DEFAULT_TAG;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split("/");
  const model = parts.pop() ?? "";
  const namespace = parts.length > 0 ? parts.pop()! : DEFAULT_NAMESPACE;
  // Whatever is left is the host, with an optional scheme (`https://registry.ollama.ai/...`).
  const host = parts.length > 0 ? parts.join("/").replace(/^[a-z][a-z0-9+.-]*:\/\//, "") : DEFAULT_HOST;
  let prefix = "";
  if (host !== DEFAULT_HOST) prefix = `${host}/${namespace}/`;
  else if (namespace !== DEFAULT_NAMESPACE) prefix = `${namespace}/`;
  return `${prefix}${model}:${tag}`;
}

export function sameModel(a: string, b: string): boolean {
  return normaliseModelName(a) === normaliseModelName(b);
}
