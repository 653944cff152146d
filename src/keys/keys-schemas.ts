import { z } from 'zod';
import { Uuid } from '../http/schemas.js';

/** (ext) GET /v2/keys/public/me: the calling key's workspace and scopes. */
export const KeyInfoSchema = z.object({
  workspaceId: Uuid,
  scopes: z.array(z.enum(['read', 'write'])),
});
export type KeyInfo = z.infer<typeof KeyInfoSchema>;
