import type { ConversationStore } from './conversation-store';

/** What each generated conversation's visitor sent, as an audit should count it. */
export const GENERATED_KINDS = ['intact', 'tampered', 'unsigned', 'late', 'legacy'] as const;
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

/**
 * A signed attribute set the caller issued (the emulator knows nothing of signatures), with the
 * time span it is valid in: the generator places each conversation so the set is, or for `late`
 * is not yet, in force when the conversation starts.
 */
export interface GenerationAttributeSet {
  attributes: Record<string, string>;
  issuedAt: number;
  expiresAt: number;
}

export interface GenerationRequest {
  start: number;
  end: number;
  /** How many conversations of each kind. */
  mix: Partial<Record<GeneratedKind, number>>;
  attributeSets: readonly GenerationAttributeSet[];
  /** The attribute holding the signature, which `unsigned` leaves out. */
  signatureAttribute: string;
  /** Routes every conversation to this queue (an ACD leg and an agent), so queue filters have something to match. */
  queueId?: string;
}

export const MAX_GENERATED_CONVERSATIONS = 200_000;
const CONVERSATION_LENGTH_MS = 10 * 60 * 1000;

/** How much later than the conversation's start a late set was issued: more than any clock skew a verifier forgives. */
const LATE_BY_AT_LEAST_MS = 5 * 60 * 1000;

export class GenerationError extends Error {}

/** A deterministic shuffle (a fixed linear congruential sequence), so a mix interleaves the same way every run. */
export function kindSequence(mix: GenerationRequest['mix']): GeneratedKind[] {
  const kinds = GENERATED_KINDS.flatMap((kind) => Array.from({ length: mix[kind] ?? 0 }, () => kind));
  let seed = 0x2545f491;
  for (let index = kinds.length - 1; index > 0; index -= 1) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const other = seed % (index + 1);
    [kinds[index], kinds[other]] = [kinds[other], kinds[index]];
  }
  return kinds;
}

/** The set in force at `at` that was issued last, or undefined. Sets are sorted by issuedAt. */
function inForce(sets: readonly GenerationAttributeSet[], at: number): GenerationAttributeSet | undefined {
  let found: GenerationAttributeSet | undefined;
  for (const set of sets) {
    if (set.issuedAt > at) break;
    if (set.expiresAt > at) found = set;
  }
  return found;
}

/** A copy with one value changed (the first attribute other than the signature), as a page editing it would. */
function tamperedCopy(
  attributes: Readonly<Record<string, string>>,
  signatureAttribute: string,
): Record<string, string> {
  const edited = { ...attributes };
  const name = Object.keys(edited).find((key) => key !== signatureAttribute);
  if (name !== undefined) edited[name] = `${edited[name]}-edited`;
  return edited;
}

/** How the conversations of a generation or a stream are made, apart from when they start. */
export type ConversationRecipe = Pick<GenerationRequest, 'attributeSets' | 'signatureAttribute' | 'queueId'>;

/**
 * What the visitor of a conversation of `kind` starting at `startTime` sent: intact (a set as
 * issued, in force at the start), tampered (a value edited), unsigned (the signature left out),
 * late (the first set issued more than five minutes after the conversation started: the visitor
 * wrote first, the page signed in after) or legacy (nothing arrived: the page used the attribute
 * location the platform ignores). `sets` sorted by issuedAt.
 */
function generatedAttributes(
  recipe: ConversationRecipe,
  sets: readonly GenerationAttributeSet[],
  kind: GeneratedKind,
  startTime: number,
): Record<string, string> {
  if (kind === 'legacy') return {};
  if (kind === 'late') {
    const next = sets.find((set) => set.issuedAt > startTime + LATE_BY_AT_LEAST_MS);
    if (!next)
      throw new GenerationError(
        `no attribute set was issued after ${new Date(startTime).toISOString()}, which a late conversation needs`,
      );
    return next.attributes;
  }
  const set = inForce(sets, startTime);
  if (!set)
    throw new GenerationError(
      `no attribute set is in force at ${new Date(startTime).toISOString()}; give sets that cover the interval`,
    );
  if (kind === 'tampered') return tamperedCopy(set.attributes, recipe.signatureAttribute);
  if (kind === 'unsigned')
    return Object.fromEntries(Object.entries(set.attributes).filter(([key]) => key !== recipe.signatureAttribute));
  return set.attributes;
}

/** A generated conversation, ended, as the store keeps it. */
function storeGenerated(
  store: ConversationStore,
  deploymentId: string,
  recipe: ConversationRecipe,
  placed: { kind: GeneratedKind; startTime: number; attributes: Record<string, string> },
): void {
  store.createWebMessaging({
    deploymentId,
    customAttributes: placed.attributes,
    startTime: placed.startTime,
    endTime: placed.startTime + CONVERSATION_LENGTH_MS,
    authenticated: placed.kind !== 'legacy',
    ...(recipe.queueId
      ? { routedTo: { queueId: recipe.queueId, agentUserId: AGENT_USER_ID, agentName: 'Generated Agent' } }
      : {}),
  });
}

/** Attribute sets in the order they were issued, as placing a conversation reads them. */
export const byIssue = (sets: readonly GenerationAttributeSet[]): GenerationAttributeSet[] =>
  [...sets].sort((a, b) => a.issuedAt - b.issuedAt);

/**
 * One generated conversation of `kind` starting at `startTime`, added to the store (see generatedAttributes);
 * `recipe.attributeSets` sorted by issuedAt (byIssue).
 */
export function addGeneratedConversation(
  store: ConversationStore,
  deploymentId: string,
  recipe: ConversationRecipe,
  kind: GeneratedKind,
  startTime: number,
): void {
  storeGenerated(store, deploymentId, recipe, {
    kind,
    startTime,
    attributes: generatedAttributes(recipe, recipe.attributeSets, kind, startTime),
  });
}

/** Web messaging conversations of the kinds and counts asked for, spread evenly over [start, end). */
export function generateConversations(
  store: ConversationStore,
  deploymentId: string,
  request: GenerationRequest,
): Record<GeneratedKind, number> {
  const kinds = kindSequence(request.mix);
  if (kinds.length === 0 || kinds.length > MAX_GENERATED_CONVERSATIONS) {
    throw new GenerationError(`the mix must add up to 1 to ${MAX_GENERATED_CONVERSATIONS} conversations`);
  }
  const sets = byIssue(request.attributeSets);
  const step = (request.end - request.start) / kinds.length;
  // Every conversation is placed before any is stored: a request that cannot be met adds nothing.
  const placed = kinds.map((kind, index) => {
    const startTime = Math.floor(request.start + (index + 0.5) * step);
    return { kind, startTime, attributes: generatedAttributes(request, sets, kind, startTime) };
  });
  const counts = Object.fromEntries(GENERATED_KINDS.map((kind) => [kind, 0])) as Record<GeneratedKind, number>;
  for (const conversation of placed) {
    counts[conversation.kind] += 1;
    storeGenerated(store, deploymentId, request, conversation);
  }
  return counts;
}

const AGENT_USER_ID = '7d0e1a52-0000-4000-8000-0000000a9e17';
