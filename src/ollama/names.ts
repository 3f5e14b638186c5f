/**
 * Ollama model names are `name:tag`, the tag defaulting to `latest`, with an optional
 * registry host (which may carry a port) and namespace: `gemma3` and `gemma3:latest`
 * are the same model, and so is `registry.ollama.ai/library/gemma3:latest`.
 */
const DEFAULT_REGISTRY_PREFIX = "registry.ollama.ai/library/";

/** The canonical form of a model name: lower-case, with a tag, without the default registry. */
export function normaliseModelName(name: string): string {
  let canonical = name.trim().toLowerCase();
  if (canonical.startsWith(DEFAULT_REGISTRY_PREFIX))
    canonical = canonical.slice(DEFAULT_REGISTRY_PREFIX.length);
  // A colon before the last slash belongs to a registry host:port, not to a tag.
  const lastSlash = canonical.lastIndexOf("/");
  const tagColon = canonical.indexOf(":", lastSlash + 1);
  return tagColon === -1 ? `${canonical}:latest` : canonical;
}

export function sameModel(a: string, b: string): boolean {
  return normaliseModelName(a) === normaliseModelName(b);
}
