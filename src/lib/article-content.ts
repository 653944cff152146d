// The six content fields of an article: what a version of a stored article holds and what a writer (the
// model) writes. Structure only: the API (knowledge/articles-schemas.ts) and the decision validator
// (writers/decision-schema.ts) each add their own limits.
import { z } from 'zod';

export const ArticleContentShapeSchema = z.object({
  title: z.string(),
  mainKnowledge: z.string(),
  agentInstruction: z.string(),
  questions: z.array(z.string()),
  keywords: z.array(z.string()),
  escalation: z.boolean(),
});
export type ArticleContent = z.infer<typeof ArticleContentShapeSchema>;
