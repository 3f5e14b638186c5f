/** The subset of Ollama's REST API (docs.ollama.com/api) the chain check reads and sends. */

export interface VersionResponse {
  version: string;
}

export interface ModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
}

/** One entry of `GET /api/tags`: an installed model. */
export interface InstalledModel {
  name: string;
  model?: string;
  modified_at?: string;
  size?: number;
  digest?: string;
  details?: ModelDetails;
}

export interface TagsResponse {
  models: InstalledModel[] | null;
}

/** One entry of `GET /api/ps`: a model loaded in memory, and when it will be unloaded. */
export interface RunningModel {
  name: string;
  model?: string;
  size?: number;
  size_vram?: number;
  digest?: string;
  details?: ModelDetails;
  expires_at: string;
  context_length?: number;
}

export interface PsResponse {
  models: RunningModel[] | null;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Thinking models put their reasoning here (when `think` is on or the model ignores `think: false`). */
  thinking?: string;
}

/** Runtime options (a Modelfile's PARAMETERs); only those the check sets. */
export interface ModelOptions {
  num_predict?: number;
  seed?: number;
  temperature?: number;
}

/** Reasoning levels `think` takes besides true/false (recent servers also take "max"). */
export type ThinkLevel = "low" | "medium" | "high";

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Ollama streams NDJSON unless this is false. */
  stream: boolean;
  /**
   * false asks a thinking model to answer without thinking (servers before 0.9 ignore it);
   * GPT-OSS ignores true/false and takes only a level, its trace cannot be turned off.
   */
  think?: boolean | ThinkLevel;
  /** How long the model stays loaded afterwards: seconds, or a duration like "5m"; 0 unloads at once, negative never. */
  keep_alive?: string | number;
  options?: ModelOptions;
}

/** Durations are in nanoseconds; absent on servers too old to send them. */
export interface ChatResponse {
  model: string;
  created_at?: string;
  message: ChatMessage;
  done: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** Ollama answers errors as `{"error": "..."}`. */
export interface ErrorResponse {
  error: string;
}
