import { ForgeClient, type ForgeFlavor } from "../forge/client.js";
import type { Reporter } from "./reporter.js";

export interface ForgeSettings {
  apiUrl: string | undefined;
  token: string | undefined;
  flavor?: ForgeFlavor;
  retryDelayMs?: number;
  timeoutMs?: number;
}

/** The forge client a job uses; the token is masked at once and only checked when a request needs it. */
export function createForge(settings: ForgeSettings, reporter: Reporter): ForgeClient {
  if (settings.token) reporter.setSecret(settings.token);
  if (!settings.apiUrl) {
    throw new Error("no forge API URL: set the `api-url` input (Gitea: <server>/api/v1) or GITHUB_API_URL");
  }
  const flavor =
    settings.flavor ?? (/^https:\/\/api\.github\.com\/?$/.test(settings.apiUrl) ? "github" : "gitea");
  return new ForgeClient({
    baseUrl: settings.apiUrl,
    token: () => settings.token,
    flavor,
    ...(settings.retryDelayMs === undefined ? {} : { retryDelayMs: settings.retryDelayMs }),
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    onRequest: (method, url) => reporter.debug(`${method} ${url}`),
  });
}
