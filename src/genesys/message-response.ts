import { isPlain } from './conversation-response';
import { UpstreamErrors } from './upstream-errors';

/**
 * What the service reads of `MessageData` (`GET /api/v2/conversations/messages/{messageId}/details`): the conversation
 * it belongs to.
 */
export interface GenesysMessageDetails {
  id: string;
  conversationId: string;
}

/** Reads the message details checked, as every Genesys answer: a malformed one is a 502, never a verdict. */
export function readMessageDetails(body: unknown): GenesysMessageDetails {
  if (!isPlain(body) || typeof body.id !== 'string' || typeof body.conversationId !== 'string') {
    throw UpstreamErrors.invalidResponse('the message details have no id or conversationId');
  }
  return { id: body.id, conversationId: body.conversationId };
}
