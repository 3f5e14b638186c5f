import * as core from "@actions/core";

/**
 * Where a job's words go. The action writes to the runner (log, outputs, step summary);
 * the CLI to the terminal; tests collect them. Gitea shows no annotations and step
 * summaries only from 1.27, so everything a person must see also goes to `info`.
 */
export interface Reporter {
  info(line: string): void;
  warning(line: string): void;
  /** A failure a person must read: a plain log line, and an annotation where the forge shows them. */
  error(line: string): void;
  debug(line: string): void;
  setOutput(name: string, value: string): void;
  /** Markdown for the step summary. */
  summary(markdown: string): Promise<void>;
  setSecret(secret: string): void;
}

export const actionsReporter: Reporter = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error(line) {
    // Gitea shows no annotations: the plain line is what a person reads in the log.
    core.info(`Error: ${line}`);
    core.error(line);
  },
  debug: (line) => core.debug(line),
  setOutput: (name, value) => core.setOutput(name, value),
  async summary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(markdown, true).write();
  },
  setSecret: (secret) => core.setSecret(secret),
};

/** A reporter that keeps everything, for tests and for the CLI's --json output. */
export class MemoryReporter implements Reporter {
  readonly lines: string[] = [];
  readonly outputs: Record<string, string> = {};
  readonly summaries: string[] = [];
  constructor(private readonly echo?: (line: string) => void) {}
  info(line: string): void {
    this.lines.push(line);
    this.echo?.(line);
  }
  warning(line: string): void {
    this.info(`warning: ${line}`);
  }
  error(line: string): void {
    this.lines.push(`error: ${line}`);
  }
  debug(): void {}
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  async summary(markdown: string): Promise<void> {
    this.summaries.push(markdown);
  }
  setSecret(): void {}
}
