import { loadJobConfig } from "../action/config.js";
import { readRunContext } from "../action/context.js";
import { reportFailure } from "../action/failure.js";
import { createForge } from "../action/forge.js";
import { booleanInput, optionalString } from "../action/inputs.js";
import { ExitCode, type JobIO } from "../action/io.js";
import { resolveOllamaUrl } from "../config/config.js";
import { DEFAULT_CONFIG_PATH, DoctorInput, DoctorOutput } from "../names.js";
import { OllamaClient } from "../ollama/client.js";
import { checkLine, diagnose } from "./doctor.js";

/** `fleet doctor`: reads options, runs the checks, prints one line each; exit 1 when any failed. */
export async function run(io: JobIO): Promise<number> {
  const { reporter } = io;
  try {
    const context = readRunContext(io.env);
    const offline = booleanInput(io.inputs, DoctorInput.offline, false);
    const configPath = optionalString(io.inputs, DoctorInput.config) ?? DEFAULT_CONFIG_PATH;
    const url = optionalString(io.inputs, DoctorInput.url);
    const forge = offline
      ? undefined
      : createForge(
          {
            apiUrl: optionalString(io.inputs, DoctorInput.apiUrl) ?? context.apiUrl,
            token: optionalString(io.inputs, DoctorInput.token),
            env: io.env,
            // A doctor waits for no proxy: a server that does not answer at once is the finding.
            timeoutMs: 15_000,
          },
          reporter,
        );
    const fleetRepo = context.repository;
    reporter.info(
      `fleet doctor: ${offline ? "the config alone (--offline)" : `${forge?.baseUrl}${fleetRepo ? `, fleet repository ${fleetRepo}` : ""}`}`,
    );
    const checks = await diagnose(
      {
        loadConfig: () => loadJobConfig(configPath, context.workspace, forge, fleetRepo),
        ...(forge ? { forge } : {}),
        ...(fleetRepo ? { fleetRepo } : {}),
        ...(offline
          ? {}
          : {
              ollama: (config) =>
                new OllamaClient({
                  baseUrl: resolveOllamaUrl(url, config, io.env),
                  // Listing models takes a healthy server milliseconds; doctor need not wait 10 s.
                  listTimeoutMs: 5_000,
                  onRequest: (method, target) => reporter.debug(`${method} ${target}`),
                }),
              ollamaWanted: url !== undefined,
            }),
      },
      (check) => reporter.info(checkLine(check)),
    );
    const failed = checks.filter((check) => check.status === "fail").length;
    reporter.info(failed === 0 ? "All checks passed." : `${failed} check${failed === 1 ? "" : "s"} failed.`);
    reporter.setOutput(DoctorOutput.ok, String(failed === 0));
    reporter.setOutput(DoctorOutput.checks, JSON.stringify(checks));
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  } catch (error) {
    return reportFailure(error, reporter, "doctor");
  }
}
