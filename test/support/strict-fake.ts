/**
 * A stand-in for a class at a spec's I/O boundary (the Genesys client, a store) that has only the
 * members the spec gives it: touching any other throws, naming it, so a spec never passes on a
 * call it did not mean to allow, and an unexpected call fails where it happens.
 */
export function strictFake<T extends object>(name: string, members: Partial<T>): T {
  return new Proxy(members, {
    get(target, property, receiver) {
      if (Reflect.has(target, property)) return Reflect.get(target, property, receiver) as unknown;
      // Promise resolution and jest's printing probe for these; they are absent, not forbidden.
      if (
        property === 'then' ||
        property === 'asymmetricMatch' ||
        property === 'nodeType' ||
        typeof property === 'symbol'
      )
        return undefined;
      throw new Error(`${name}.${String(property)} was used, but this spec's fake does not provide it`);
    },
  }) as T;
}
