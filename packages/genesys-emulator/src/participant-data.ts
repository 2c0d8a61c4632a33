/**
 * Participant data, as every writer of the customer participant's attributes changes it:
 * Messenger's custom attributes, Architect's Set Participant Data and the Platform API's PATCH
 * participant attributes all write the same string map (docs/genesys-platform.md, "Who else
 * writes"). An empty string removes a key; any other value replaces or adds it.
 */
export function applyParticipantData(target: Record<string, string>, update: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(update)) {
    // As own properties: a key named __proto__ is a key.
    if (value === '') delete target[key];
    else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

/** A map with every removal applied: what a first write leaves. */
export function withoutRemovals(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  applyParticipantData(kept, attributes);
  return kept;
}

/**
 * The inbound message flow's Set Participant Data, as a stand-in: what it writes on the customer
 * participant of every new web messaging conversation (`onStart`, right after the visitor's first
 * message, which carries Messenger's attributes), and later, once the conversation waits in queue
 * (`inQueue`: on the visitor's next message, or at once for a conversation created routed or
 * ended). Real deployments set some participant data in almost every flow; so does this one by default.
 */
export interface InboundFlowData {
  onStart: Record<string, string>;
  inQueue: Record<string, string>;
}

/** What a typical flow writes: a language, a value read from a CRM, a screen-pop link for the agent. */
export const DEFAULT_INBOUND_FLOW: InboundFlowData = {
  onStart: { 'Flow.Language': 'en-GB', 'conversationDetails.participantData.Account Balance': '1204.50' },
  inQueue: { screenPopUrl: 'https://crm.example.com/screen-pop?channel=webmessaging' },
};

export const NO_INBOUND_FLOW_DATA: InboundFlowData = { onStart: {}, inQueue: {} };

/** Whether a value is participant data a flow could write: a map of strings (an empty one removes). */
export function isParticipantData(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}
