import type { Comment } from "../forge/types.js";
import { DELEGATE_MARKER_PREFIX, RELEASE_MARKER_PREFIX } from "../names.js";
import type { AgentChoice } from "./decide.js";

/** The hidden marker that makes "this issue was already commented on" checkable. */
export function marker(agent: string): string {
  return `${DELEGATE_MARKER_PREFIX} agent=${agent} -->`;
}

export function hasMarker(comments: readonly Comment[], prefix = DELEGATE_MARKER_PREFIX): boolean {
  return comments.some((comment) => comment.body.includes(prefix));
}

/**
 * The comment on a delegated issue: which agent, why (matched keywords and score), and how
 * to opt out. It quotes only config words, never issue text, so nothing untrusted is echoed.
 */
function whyChosen(choice: AgentChoice): string {
  return choice.matched.length > 0
    ? `it scored highest (**${choice.score}**) on the keywords ${choice.matched.map((word) => `\`${word}\``).join(", ")}`
    : "no agent's keywords matched, so it goes to the fallback agent";
}

export function delegationComment(choice: AgentChoice, skipLabels: readonly string[]): string {
  const why = whyChosen(choice);
  const optOut =
    skipLabels.length > 0
      ? `To keep fleet agents off an issue, add the \`${skipLabels[0]}\` label before it is delegated (or unassign and add it now).`
      : "To keep fleet agents off an issue, unassign the agent; set `delegation.skip-labels` in the fleet config to opt issues out.";
  return [`Delegated to @${choice.agent}: ${why}.`, "", optOut, "", marker(choice.agent)].join("\n");
}

/** The hidden marker of a release: which agent, and which release of the issue this is. */
export function releaseMarker(agent: string, count: number): string {
  return `${RELEASE_MARKER_PREFIX} agent=${agent} n=${count} -->`;
}

export interface ReleaseNote {
  agent: string;
  why: string;
  /** This release's number on the issue (1 for the first). */
  count: number;
  successor: AgentChoice | undefined;
  /** Set when max-reclaims is reached: the label the issue gets. */
  needsHumanLabel: string | undefined;
  maxReclaims: number;
  /** Why nobody took it, when there is no successor and no label. */
  nobodyWhy: string;
}

/**
 * The one comment on a release: who was released and why, who has the issue now (or that a
 * person must decide), and the marker. Only agent names, config words and durations: no
 * issue text is echoed.
 */
export function releaseComment(note: ReleaseNote): string {
  const first = `Released @${note.agent} from this issue: ${note.why}.`;
  let next: string;
  if (note.needsHumanLabel) {
    next = `This issue has now been released ${note.count} time${note.count === 1 ? "" : "s"} (\`max-reclaims: ${note.maxReclaims}\`), so it waits for a person: it is labelled \`${note.needsHumanLabel}\` and left unassigned. Remove the label to let fleet-actions delegate it again.`;
  } else if (note.successor) {
    next = `Delegated again to @${note.successor.agent}: ${whyChosen(note.successor)} (agents released from this issue or removed by a person are passed over).`;
  } else {
    next = `Nobody else can take it (${note.nobodyWhy}), so it is left unassigned.`;
  }
  return [first, "", next, "", releaseMarker(note.agent, note.count)].join("\n");
}
