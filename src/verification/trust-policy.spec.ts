import { routingUnderPolicy, trustedAttributes } from './trust-policy';

const definitions = [
  { name: 'userId', trust: 'signed' as const },
  { name: 'userTier', trust: 'signed' as const },
  { name: 'pageUrl', trust: 'any' as const },
  { name: 'campaign', trust: 'report' as const },
];
const routing = {
  defaultQueueId: 'queue-support',
  rules: [
    { attribute: 'userTier', equals: 'Gold', queueId: 'queue-gold' },
    { attribute: 'campaign', equals: 'spring', queueId: 'queue-spring' },
  ],
};
const arrived = { userId: 'usr_1', userTier: 'Gold', pageUrl: '/checkout', vip: 'true' };

describe('trustedAttributes', () => {
  it('takes every registry attribute under a vouched set, none from outside the registry', () => {
    expect(trustedAttributes(arrived, definitions, true)).toEqual({
      userId: 'usr_1',
      userTier: 'Gold',
      pageUrl: '/checkout',
    });
  });

  it('takes only report and any attributes from a set nothing vouches for', () => {
    expect(trustedAttributes({ ...arrived, campaign: 'spring' }, definitions, false)).toEqual({
      pageUrl: '/checkout',
      campaign: 'spring',
    });
  });
});

describe('routingUnderPolicy', () => {
  it('enforce: routes a vouched Gold set to the gold queue, and an unsigned one to the default', () => {
    expect(routingUnderPolicy(arrived, { definitions, routing }, true, 'enforce')).toEqual({
      queueId: 'queue-gold',
      trustedAttributes: 'userId,userTier,pageUrl',
      trustPolicy: 'enforce',
    });
    expect(routingUnderPolicy(arrived, { definitions, routing }, false, 'enforce')).toEqual({
      queueId: 'queue-support',
      trustedAttributes: 'pageUrl',
      trustPolicy: 'enforce',
    });
  });

  it('enforce: an attribute trusted unsigned still routes', () => {
    expect(routingUnderPolicy({ campaign: 'spring' }, { definitions, routing }, false, 'enforce').queueId).toBe(
      'queue-spring',
    );
  });

  it('report: routes on every attribute as without a policy, and says what enforcing would pick', () => {
    expect(routingUnderPolicy(arrived, { definitions, routing }, false, 'report')).toEqual({
      queueId: 'queue-gold',
      trustedAttributes: 'pageUrl',
      trustPolicy: 'report',
      enforcedQueueId: 'queue-support',
    });
  });
});
