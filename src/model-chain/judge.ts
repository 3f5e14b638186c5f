// Pure decisions of the chain check: is a reply an answer, what do Ollama's durations say,
// how long may a probed model stay loaded, and does the run fail.
import type { FailOn } from "../names.js";
import { sameModel } from "../ollama/names.js";
import type { ChatResponse, RunningModel } from "../ollama/types.js";
import type { ChainReport, ModelStatus } from "./report.js";

export interface Judgement {
  status: ModelStatus;
  /** Why the model is not ok; null when it is. */
  error: string | null;
}

const EXCERPT = 60;

/** A reply shortened for a message, quoted so odd characters stay visible. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat);
}

/**
 * Splits `<think>…</think>` out of the content: servers before Ollama 0.9 (and models whose
 * template the server does not parse) put a thinking model's reasoning inline.
 */
export function splitInlineThinking(content: string): { answer: string; thinking: string } {
  let thinking = "";
  const answer = content
    .replace(/<think>([\s\S]*?)(<\/think>|$)/g, (_, inner: string) => {
      thinking += inner;
      return "";
    })
    .trim();
  return { answer, thinking: thinking.trim() };
}

/** Is the reply an answer, and does it contain the expected text (case-insensitive) when one is set? */
export function judgeReply(response: ChatResponse, expect: string | undefined): Judgement {
  const inline = splitInlineThinking(response.message?.content ?? "");
  const thinking = `${response.message?.thinking ?? ""}${inline.thinking}`.trim();
  if (inline.answer === "" && thinking !== "") {
    const tokens = response.eval_count === undefined ? "" : ` (${response.eval_count} tokens`;
    const reason =
      tokens && response.done_reason
        ? `${tokens}, done_reason ${response.done_reason})`
        : tokens
          ? `${tokens})`
          : "";
    const why =
      response.done_reason === "stop"
        ? "it stopped after thinking, with no answer"
        : "the token budget went to thinking, no answer";
    return { status: "thinking-only", error: `replied only in thinking${reason}: ${why}` };
  }
  if (inline.answer === "") return { status: "empty", error: "empty reply" };
  if (expect !== undefined && !inline.answer.toLowerCase().includes(expect.toLowerCase())) {
    return {
      status: "unexpected",
      error: `reply ${excerpt(inline.answer)} does not contain ${JSON.stringify(expect)}`,
    };
  }
  return { status: "ok", error: null };
}

export interface Timings {
  load_ms: number | null;
  total_ms: number | null;
  tokens_per_s: number | null;
}

/** Timings from Ollama's own nanosecond durations: not our clock, which would add network and queueing. */
export function timingsOf(response: ChatResponse): Timings {
  const ms = (ns: number | undefined) => (ns === undefined ? null : Math.round(ns / 1e6));
  const tokensPerSecond =
    response.eval_count !== undefined && response.eval_duration !== undefined && response.eval_duration > 0
      ? Math.round((response.eval_count / (response.eval_duration / 1e9)) * 10) / 10
      : null;
  return {
    load_ms: ms(response.load_duration),
    total_ms: ms(response.total_duration),
    tokens_per_s: tokensPerSecond,
  };
}

const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * `keep_alive` for a probe, chosen so the check leaves the server's memory as it found it:
 * a model that was not loaded is unloaded right after its answer (0), so probing a chain of
 * four never keeps four models resident or pushes out the one the agents use; a model that
 * was loaded keeps the time it had left (or stays forever), so agents using it are not
 * disturbed. Unknown (`/api/ps` failed): leave it to the server's default.
 */
export function keepAliveFor(
  model: string,
  running: RunningModel[] | undefined,
  now: number,
): string | number | undefined {
  if (running === undefined) return undefined;
  const loaded = running.find(
    (entry) => sameModel(entry.name, model) || (entry.model !== undefined && sameModel(entry.model, model)),
  );
  if (!loaded) return 0;
  const expiresAt = Date.parse(loaded.expires_at);
  if (Number.isNaN(expiresAt)) return undefined;
  const left = expiresAt - now;
  if (left > YEAR_MS) return -1;
  if (left <= 0) return 0;
  return `${Math.ceil(left / 1000)}s`;
}

export interface Verdict {
  failed: boolean;
  /** One line for the log: what the run concluded. */
  message: string;
}

/** down: fail when no model answered; degraded: also when any model failed; never: never fail. */
export function verdict(report: ChainReport, failOn: FailOn): Verdict {
  const failing = report.models.filter((model) => !model.ok);
  const total = report.models.length;
  if (report.serverError) {
    return { failed: failOn !== "never", message: report.serverError };
  }
  if (report.healthy.length === 0) {
    return {
      failed: failOn !== "never",
      message: `model chain is down: none of the ${total} models answered`,
    };
  }
  if (failing.length > 0) {
    const names = failing.map((model) => model.model).join(", ");
    return {
      failed: failOn === "degraded",
      message: `model chain is degraded: ${failing.length} of ${total} models failed (${names}); active model ${report.activeModel}`,
    };
  }
  return {
    failed: false,
    message: `model chain is healthy: all ${total} models answered; active model ${report.activeModel}`,
  };
}
