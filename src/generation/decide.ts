// Step 3 of the pipeline (docs/architecture.md §4): ask the writer, re-validate the answer against what is allowed
// and what exists, and give the model one repair attempt with the validation problem.
import { sha256Hex } from '../lib/hashing.js';
import { JobError } from '../lib/jobs/job-error.js';
import { validateDecision } from '../writers/decision-schema.js';
import {
  WriterError,
  type Decision,
  type DecisionRequest,
  type Usage,
  type Writer,
} from '../writers/writer.js';

export interface DecideResult {
  decision: Decision;
  trimNotes: string[];
}

export async function decide(
  writer: Writer,
  request: DecisionRequest,
  onUsage: (usage: Usage) => Promise<void>,
): Promise<DecideResult> {
  let repair: DecisionRequest['repair'];
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    let answer;
    try {
      answer = await writer.decide({ ...request, repair });
    } catch (error) {
      if (!(error instanceof WriterError && error.kind === 'malformed')) throw error;
      if (attempt === 2) throw JobError.permanent(`the model's answer was unusable twice: ${error.message}`);
      repair = { previousAnswer: error.answerText ?? '', problem: error.message };
      continue;
    }
    await onUsage(answer.usage);
    const checked = validateDecision(request, answer.answer);
    if (checked.ok) return { decision: checked.decision, trimNotes: answer.trimNotes };
    if (attempt === 2) throw JobError.permanent(`the model's decision was invalid twice: ${checked.problem}`);
    repair = { previousAnswer: answer.answerText, problem: checked.problem };
  }
  throw new Error('unreachable');
}

/**
 * What a decision depends on (docs/architecture.md §4 "Reuse"): the content, the candidates and their versions, the
 * folder tree, the job's parameters and the writer. A new job with the same key reuses the decision.
 */
export function decisionKey(
  request: DecisionRequest,
  params: { botId: string | null },
  writer: Writer,
): string {
  return sha256Hex(
    JSON.stringify({
      v: 1,
      source: request.source.contentHash,
      candidates: request.candidates.map((candidate) => [candidate.id, candidate.version, candidate.linked]),
      folders: request.folders.map((folder) => [folder.id, folder.path, folder.description]),
      allowed: request.allowedOperations,
      instructions: request.instructions,
      botId: params.botId,
      writer: [writer.name, writer.model, writer.promptVersion],
    }),
  );
}
