/** The parts of Genesys Cloud's models this service reads (see docs/genesys-platform.md). */

export interface GenesysMessageMedia {
  id: string;
  type?: string;
  state?: string;
  direction?: string;
}

export interface GenesysParticipant {
  id: string;
  purpose: string;
  name?: string;
  startTime?: string;
  attributes?: Record<string, string>;
  messages?: GenesysMessageMedia[];
}

/** `Conversation` from `GET /api/v2/conversations/{conversationId}`. */
export interface GenesysConversation {
  id: string;
  /** ISO 8601; signatures are judged against it. */
  startTime: string;
  endTime?: string;
  participants: GenesysParticipant[];
  selfUri?: string;
}
