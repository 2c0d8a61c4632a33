import { queueFor } from './queue-routing';

const routing = {
  defaultQueueId: 'queue-support',
  rules: [
    { attribute: 'userTier', equals: 'Gold', queueId: 'queue-gold' },
    { attribute: 'language', equals: 'fr', queueId: 'queue-fr' },
    { attribute: 'userTier', equals: 'Silver', queueId: 'queue-silver' },
  ],
};

describe('queueFor', () => {
  it.each([
    ['the first matching rule', { userTier: 'Gold', language: 'fr' }, 'queue-gold'],
    ['a later rule when earlier ones do not match', { userTier: 'Bronze', language: 'fr' }, 'queue-fr'],
    ['a rule further down for the same attribute', { userTier: 'Silver' }, 'queue-silver'],
    ['the default when nothing matches', { userTier: 'Bronze' }, 'queue-support'],
    ['the default for an empty set', {}, 'queue-support'],
    ['exact, case-sensitive values only', { userTier: 'gold' }, 'queue-support'],
  ])('picks %s', (_label, attributes, queue) => {
    expect(queueFor(routing, attributes)).toBe(queue);
  });

  it('reads only the set’s own attributes, never what its prototype has', () => {
    const onPrototype = {
      defaultQueueId: 'd',
      rules: [{ attribute: 'constructor', equals: 'function Object() { [native code] }', queueId: 'wrong' }],
    };
    expect(queueFor(onPrototype, {})).toBe('d');
  });
});
