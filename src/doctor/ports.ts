import type { FleetConfig } from "../config/config.js";
import type { Repository, User } from "../forge/types.js";
import type { InstalledModel } from "../ollama/types.js";

/** The forge requests doctor makes; ForgeClient provides them. All reads. */
export interface DoctorForge {
  readonly baseUrl: string;
  version(): Promise<string>;
  currentUser(): Promise<User>;
  getRepo(repo: string): Promise<Repository>;
  findUser(login: string): Promise<User | undefined>;
  listAssignees(repo: string): Promise<User[]>;
}

/** The Ollama requests doctor makes: no inference, only version and installed models. */
export interface DoctorOllama {
  readonly baseUrl: string;
  version(): Promise<string>;
  tags(): Promise<InstalledModel[]>;
}

/** What doctor looks at. Unset parts are not checked (offline: only the config). */
export interface DoctorPorts {
  loadConfig(): Promise<FleetConfig>;
  /** Undefined when offline. */
  forge?: DoctorForge;
  /** The fleet repository (config and state), when known. */
  fleetRepo?: string;
  /** Undefined when offline; given the URL resolved from --url, the config, OLLAMA_HOST. */
  ollama?: (config: FleetConfig) => DoctorOllama;
  /** Check Ollama even when the config has no chain (an explicit --url). */
  ollamaWanted?: boolean;
}
