import type { AttributeDefinition, RoutingTable } from '../attribute-registry/attribute-definition';
import { queueFor } from '../attribute-registry/queue-routing';

export type TrustPolicyMode = 'enforce' | 'report';

/**
 * The attributes routing may rely on: with the set vouched for (a valid signature in force, which
 * covers every attribute it signed), every registry attribute that arrived; without, only those
 * whose `trust` is `report` or `any`. Names outside the registry never.
 */
export function trustedAttributes(
  arrived: Readonly<Record<string, string>>,
  definitions: readonly Pick<AttributeDefinition, 'name' | 'trust'>[],
  vouched: boolean,
): Record<string, string> {
  const trusted: Record<string, string> = {};
  for (const definition of definitions) {
    if (!Object.hasOwn(arrived, definition.name)) continue;
    if (vouched || definition.trust !== 'signed') trusted[definition.name] = arrived[definition.name];
  }
  return trusted;
}

/**
 * What the signature check says routing should do: the queue of the trusted attributes, or, in report mode, of all of
 * them beside it.
 */
export function routingUnderPolicy(
  arrived: Readonly<Record<string, string>>,
  registry: { definitions: readonly Pick<AttributeDefinition, 'name' | 'trust'>[]; routing: RoutingTable },
  vouched: boolean,
  mode: TrustPolicyMode,
): { queueId: string; trustedAttributes: string; trustPolicy: TrustPolicyMode; enforcedQueueId?: string } {
  const trusted = trustedAttributes(arrived, registry.definitions, vouched);
  const enforcedQueueId = queueFor(registry.routing, trusted);
  const names = Object.keys(trusted).join(',');
  if (mode === 'enforce') return { queueId: enforcedQueueId, trustedAttributes: names, trustPolicy: mode };
  // Report mode routes as without a policy: on every registry attribute that arrived, as a vouched set would.
  const everything = trustedAttributes(arrived, registry.definitions, true);
  return {
    queueId: queueFor(registry.routing, everything),
    trustedAttributes: names,
    trustPolicy: mode,
    enforcedQueueId,
  };
}
