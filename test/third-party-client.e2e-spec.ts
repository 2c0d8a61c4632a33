import { WebSocket, type ClientOptions } from 'ws';
import type { ClientRequestArgs } from 'node:http';
import type { StructuredMessage } from './third-party/genesys-web-messaging-tester/src/genesys/StructuredMessage';
import { WebMessengerGuestSession } from './third-party/genesys-web-messaging-tester/src/genesys/WebMessengerGuestSession';
import { ReorderedMessageDelayer } from './third-party/genesys-web-messaging-tester/src/genesys/message-delayer/ReorderedMessageDelayer';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

/** The host the tester dials is the real region's; the factory connects it where DNS would, to the emulator. */
const REGION = 'mypurecloud.com';

/**
 * A Guest API client nobody here wrote, run unmodified (test/third-party): ovotech's
 * WebMessengerGuestSession opens a session on the emulator through its own `wsFactory` argument
 * and sends a message with participant data as it always has, in the top-level `channel.metadata`.
 * The platform has ignored that location since 2026-06-05, so the attributes never arrive and
 * the gateway must say so: `unsigned`, with the hint naming the location.
 */
describe('ovotech/genesys-web-messaging-tester against the emulator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends a signed set the old way; the conversation carries none of it and the gateway reports it unsigned, with the legacy-location hint', async () => {
    const issued = (
      await t.http.get('/api/web-messaging/config').set('Authorization', `Bearer ${visitorToken()}`).expect(200)
    ).body.guestAttributes as Record<string, string>;
    const socketBase = t.emulator.url.replace(/^http/, 'ws');
    const dialled: string[] = [];
    const wsFactory = (url: string, options?: ClientOptions | ClientRequestArgs) => {
      dialled.push(url);
      return new WebSocket(url.replace(`wss://webmessaging.${REGION}`, socketBase), options);
    };
    // No reordering wait: the tester's own delayer, told to pass messages on at once.
    const session = new WebMessengerGuestSession(
      { deploymentId: t.emulator.deploymentId, region: REGION, origin: 'https://shop.example.com' },
      issued,
      new ReorderedMessageDelayer(0, 1),
      wsFactory,
    );
    try {
      const started = new Promise((resolve) => session.once('sessionStarted', resolve));
      const echoed = new Promise<StructuredMessage>((resolve) =>
        session.on(
          'structuredMessage',
          (message: StructuredMessage) => message.body.direction === 'Inbound' && resolve(message),
        ),
      );
      await started;
      session.sendText('Hello, where is my order?');
      const echo = await echoed;

      expect(dialled).toEqual([`wss://webmessaging.${REGION}/v1?deploymentId=${t.emulator.deploymentId}`]);
      expect(t.emulator.control.counters().legacyAttributeLocations).toBe(1);
      const report = await t.http
        .get(`/api/verification/messages/${echo.body.id}`)
        .set('Authorization', `Bearer ${serviceToken(['conversations:verify'])}`)
        .expect(200);
      expect(report.body).toMatchObject({
        status: 'unsigned',
        hint: expect.stringContaining('top-level channel.metadata'),
      });
      // Only what the inbound flow wrote arrived: none of ours.
      expect(
        report.body.attributes.filter((row: { status: string }) => row.status !== 'missing' && row.status !== 'other'),
      ).toEqual([]);
      expect(report.body.attributes.filter((row: { status: string }) => row.status === 'other').length).toBeGreaterThan(
        0,
      );
    } finally {
      session.close();
    }
  });
});
