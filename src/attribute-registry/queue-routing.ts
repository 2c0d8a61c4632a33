import type { RoutingTable } from './attribute-definition';

/**
 * The queue the registry's routing rules pick for an attribute set: the first rule whose attribute equals its value,
 * else the default.
 */
export function queueFor(routing: RoutingTable, attributes: Readonly<Record<string, string>>): string {
  const rule = routing.rules.find(
    (candidate) =>
      Object.hasOwn(attributes, candidate.attribute) && attributes[candidate.attribute] === candidate.equals,
  );
  return rule?.queueId ?? routing.defaultQueueId;
}
