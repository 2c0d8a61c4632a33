import { randomUUID } from 'node:crypto';
import { applyParticipantData, DEFAULT_INBOUND_FLOW, type InboundFlowData } from './participant-data';

export type ParticipantPurpose = 'customer' | 'workflow' | 'acd' | 'agent';

export interface EmulatedParticipant {
  id: string;
  purpose: ParticipantPurpose;
  name: string;
  startTime: number;
  connectedTime?: number;
  endTime?: number;
  state: 'alerting' | 'connected' | 'disconnected';
  direction: 'inbound' | 'outbound';
  userId?: string;
  queueId?: string;
  authenticated: boolean;
  attributes: Record<string, string>;
}

export interface EmulatedConversation {
  id: string;
  deploymentId: string;
  divisionId: string;
  startTime: number;
  endTime?: number;
  participants: EmulatedParticipant[];
  /** Whether the inbound flow has written its in-queue participant data. */
  queued: boolean;
}

export interface NewWebMessagingConversation {
  deploymentId: string;
  customAttributes: Record<string, string>;
  startTime: number;
  authenticated?: boolean;
  /** Adds an ACD leg and a connected agent, as after routing. */
  routedTo?: { queueId: string; agentUserId: string; agentName: string };
  endTime?: number;
}

export const HOME_DIVISION_ID = '5a3f5e0e-0000-4000-8000-00000000d100';

/** The web messaging conversations the emulator knows, in creation order. */
export class ConversationStore {
  private readonly conversations = new Map<string, EmulatedConversation>();
  private readonly readListeners: (() => void)[] = [];

  /** What the inbound flow stand-in writes on the customer participant (see InboundFlowData). */
  inboundFlow: InboundFlowData;

  constructor(inboundFlow: InboundFlowData = DEFAULT_INBOUND_FLOW) {
    this.inboundFlow = inboundFlow;
  }

  /** Told before every read, so that conversations due by now (a stream's) exist when anything looks. */
  beforeRead(listener: () => void): void {
    this.readListeners.push(listener);
  }

  get(id: string): EmulatedConversation | undefined {
    for (const listener of this.readListeners) listener();
    return this.conversations.get(id);
  }

  all(): EmulatedConversation[] {
    for (const listener of this.readListeners) listener();
    return [...this.conversations.values()];
  }

  createWebMessaging(input: NewWebMessagingConversation, id: string = randomUUID()): EmulatedConversation {
    const start = input.startTime;
    const ended = input.endTime !== undefined;
    const leg = (
      purpose: ParticipantPurpose,
      name: string,
      offsetMs: number,
      extra: Partial<EmulatedParticipant> = {},
    ) => ({
      id: randomUUID(),
      purpose,
      name,
      startTime: start + offsetMs,
      connectedTime: start + offsetMs,
      endTime: input.endTime,
      state: ended ? ('disconnected' as const) : ('connected' as const),
      direction: 'inbound' as const,
      authenticated: false,
      attributes: {},
      ...extra,
    });
    const participants: EmulatedParticipant[] = [
      leg('customer', 'Web visitor', 0, {
        authenticated: input.authenticated ?? false,
        attributes: { ...input.customAttributes },
      }),
      leg('workflow', 'Inbound Message Flow', 5, { endTime: start + 900, state: 'disconnected' }),
    ];
    if (input.routedTo) {
      participants.push(
        leg('acd', 'Support', 900, { queueId: input.routedTo.queueId, endTime: start + 4000, state: 'disconnected' }),
        leg('agent', input.routedTo.agentName, 4000, {
          userId: input.routedTo.agentUserId,
          queueId: input.routedTo.queueId,
        }),
      );
    }
    const conversation: EmulatedConversation = {
      id,
      deploymentId: input.deploymentId,
      divisionId: HOME_DIVISION_ID,
      startTime: start,
      endTime: input.endTime,
      participants,
      queued: false,
    };
    // The flow runs on the first message, after Messenger's attributes have landed.
    applyParticipantData(participants[0].attributes, this.inboundFlow.onStart);
    if (input.routedTo || ended) this.queued(conversation);
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** The conversation waits in queue: the flow writes its in-queue participant data, once. */
  queued(conversation: EmulatedConversation): void {
    if (conversation.queued) return;
    conversation.queued = true;
    const customer = conversation.participants.find((participant) => participant.purpose === 'customer');
    if (customer) applyParticipantData(customer.attributes, this.inboundFlow.inQueue);
  }
}
