import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_INBOUND_FLOW, readJson, startTestEmulator, type DemoShop, type TestEmulator } from 'genesys-emulator';
import { launchChromium } from './support/chromium';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const SCREENSHOTS = join(__dirname, '..', 'test-results', 'browser');

/**
 * The browser half, end to end in headless Chromium: the demo shop (docs/frontend.md's snippet)
 * fetches the visitor's configuration from the gateway over CORS, hands the attributes to the
 * Messenger stand-in, which speaks the Guest API to the emulator; the shop then asks the gateway
 * what arrived.
 */
describe('the demo shop in a real browser', () => {
  let emulator: TestEmulator;
  let t: TestApp;
  let browser: Browser;
  const demo: DemoShop = {
    gatewayUrl: '',
    visitorToken: visitorToken({ email: 'jane@example.com' }),
    serviceToken: serviceToken(['conversations:verify']),
  };

  beforeAll(async () => {
    browser = await launchChromium();
    emulator = await startTestEmulator({ demo });
    t = await startTestApp({ emulator, env: { CORS_ORIGINS: emulator.url } });
    await t.app.listen(0, '127.0.0.1');
    demo.gatewayUrl = await t.app.getUrl();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await emulator?.close();
  });

  /** Runs a visit in a fresh profile (a new Messenger session); a failure leaves a screenshot for the report. */
  async function visit(
    name: string,
    steps: (page: Page) => Promise<void>,
  ): Promise<{ verdict: string; arrival: string; hint: string; rows: Record<string, string> }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${emulator.url}/demo/`);
      await page.click('#sign-in');
      await page.waitForSelector('#attributes-step:not([hidden])', { timeout: 10_000 });
      await steps(page);
      await page.click('#start-chat');
      await page.waitForSelector('body[data-verdict]', { timeout: 15_000 });
      const rows = await page.$$eval('#rows tr', (lines) =>
        Object.fromEntries(lines.map((line) => [line.cells[0].textContent, line.cells[1].textContent])),
      );
      expect(problems).toEqual([]);
      return {
        verdict: (await page.getAttribute('body', 'data-verdict')) ?? '',
        arrival: (await page.getAttribute('body', 'data-arrival')) ?? '',
        hint: (await page.textContent('#hint')) ?? '',
        rows: rows as Record<string, string>,
      };
    } catch (error) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
      const shown = await page.textContent('#error').catch(() => '');
      throw new Error(
        `${name}: ${(error as Error).message}${shown ? ` (the page says: ${shown})` : ''}${problems.length ? ` (page errors: ${problems.join('; ')})` : ''}`,
        { cause: error },
      );
    } finally {
      await context.close();
    }
  }

  interface BrowserCanvas {
    width: number;
    height: number;
    getContext(kind: '2d'): {
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
    };
  }

  /** Strongly green and strongly red pixels of a screenshot, counted by the browser's own PNG decoder. */
  function tones(page: Page, png: Buffer): Promise<{ green: number; red: number }> {
    return page.evaluate(async (base64) => {
      // The page's globals, typed here as far as used: the test's compiler has no DOM library.
      const browser = globalThis as unknown as {
        Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
        document: { createElement(tag: 'canvas'): BrowserCanvas };
      };
      const image = new browser.Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = browser.document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, image.width, image.height).data;
      let green = 0;
      let red = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        const [r, g, b] = [pixels[index], pixels[index + 1], pixels[index + 2]];
        if (g - r > 60 && g - b > 20) green += 1;
        if (r - g > 60 && r - b > 40) red += 1;
      }
      return { green, red };
    }, png.toString('base64'));
  }

  it('is a page a newcomer can click through: one sign-in however often clicked, a headed verdict table with the issued values, coloured verdicts, start over, no console error', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
    page.on(
      'response',
      (response) => void (response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`)),
    );
    try {
      await page.goto(`${emulator.url}/demo/`);
      await page.$eval('#sign-in', (button) => {
        (button as unknown as { click(): void }).click();
        (button as unknown as { click(): void }).click();
      });
      await page.waitForSelector('#attributes-step:not([hidden])');
      const issuedNames = await page.$$eval('#attributes tbody tr', (rows) =>
        rows.map((row) => row.cells[0].textContent),
      );
      expect(issuedNames).toEqual([...new Set(issuedNames)]);
      expect(issuedNames).toEqual(expect.arrayContaining(['userId', 'userTier', 'attributesSignature']));

      await page.click('#start-chat');
      await page.waitForSelector('body[data-verdict]', { timeout: 15_000 });
      expect(await page.$$eval('#verdicts thead th', (cells) => cells.map((cell) => cell.textContent))).toEqual([
        'Attribute',
        'Verdict',
        'Arrived',
        'Issued',
      ]);
      const rows = await page.$$eval('#rows tr', (lines) =>
        lines.map((line) => [...line.cells].map((cell) => cell.textContent)),
      );
      expect(rows).toContainEqual(['userTier', 'match', 'Gold', 'Gold']);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'demo-shop-verified.png'), fullPage: true });
      const verified = await tones(page, await page.locator('#status').screenshot());
      expect(verified.green).toBeGreaterThan(20);
      expect(verified.red).toBe(0);
      const firstConversation = await page.textContent('#conversation-id');

      await page.click('#start-over');
      await page.waitForSelector('#sign-in:not([hidden])');
      expect(await page.isHidden('#result-step')).toBe(true);
      await page.click('#sign-in');
      await page.waitForSelector('#attributes-step:not([hidden])');
      await page.fill('input[data-attribute="userTier"]', 'Platinum');
      await page.click('#start-chat');
      await page.waitForSelector('body[data-verdict]', { timeout: 15_000 });
      expect(await page.getAttribute('body', 'data-verdict')).toBe('tampered');
      expect(await page.textContent('#conversation-id')).not.toBe(firstConversation);
      const tampered = await tones(page, await page.locator('#status').screenshot());
      expect(tampered.red).toBeGreaterThan(20);
      expect(tampered.green).toBe(0);
      expect(problems).toEqual([]);
    } catch (error) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'demo-shop.png'), fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('delivers the attributes intact: verified', async () => {
    const result = await visit('intact', async () => undefined);
    expect(result.verdict).toBe('verified');
    expect(result.arrival).toBe('unknown');
    expect(result.rows).toMatchObject({ userId: 'match', userTier: 'match', email: 'match' });
    // The sandbox's inbound flow wrote participant data beside them: shown, not covered, not a reason for the verdict.
    expect(result.rows).toMatchObject({
      'Flow.Language': 'other',
      'conversationDetails.participantData.Account Balance': 'other',
    });
  });

  it('reports an attribute edited in the page before sending as tampered, naming it', async () => {
    const result = await visit('tampered', async (page) => {
      await page.fill('input[data-attribute="userTier"]', 'Platinum');
    });
    expect(result.verdict).toBe('tampered');
    expect(result.rows.userTier).toBe('mismatch');
  });

  it('reports attributes set only after the first message as verified with the arrival unknown: Genesys shows no message carrying them', async () => {
    const result = await visit('late', async (page) => {
      await page.check('input[name="handover"][value="after"]');
    });
    expect(result.verdict).toBe('verified');
    expect(result.arrival).toBe('unknown');
    expect(result.hint).toBe('');
  });

  it('reports attributes put in the old top-level channel.metadata as never arrived, with a hint naming the location', async () => {
    const result = await visit('legacy-location', async (page) => {
      await page.check('input[name="handover"][value="legacy"]');
    });
    expect(result.verdict).toBe('unsigned');
    expect(result.rows).toMatchObject({ userId: 'missing', userTier: 'missing' });
    expect(result.hint).toContain('top-level channel.metadata');
    expect(emulator.control.counters().legacyAttributeLocations).toBeGreaterThanOrEqual(1);
  });

  it('a message the Guest API refuses (4029, with retryAfter) keeps its attributes pending: they go with the next one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${emulator.url}/demo/`);
      await page.click('#sign-in');
      await page.waitForSelector('#attributes-step:not([hidden])');
      emulator.control.failNext({ route: 'guest.onMessage', kind: '429', count: 1, retryAfterSeconds: 2 });
      const outcome = await page.evaluate(async () => {
        const genesys = (...args: unknown[]) =>
          (globalThis as unknown as { Genesys: (...args: unknown[]) => void }).Genesys(...args);
        const run = (name: string, options: object) =>
          new Promise((resolve, reject) => genesys('command', name, options, resolve, reject));
        const errors: unknown[] = [];
        (globalThis as unknown as { loadMessenger: () => void }).loadMessenger();
        await new Promise((resolve) => genesys('subscribe', 'Messenger.ready', resolve));
        genesys('subscribe', 'MessagingService.error', (error: unknown) => errors.push(error));
        await run('Database.set', { messaging: { customAttributes: { userId: 'usr_1001', note: 'pending' } } });
        const refused = await run('MessagingService.sendMessage', { message: 'Hi' }).then(
          () => undefined,
          (error: { code: number; retryAfter: number }) => ({ code: error.code, retryAfter: error.retryAfter }),
        );
        const sent = (await run('MessagingService.sendMessage', { message: 'Hi again' })) as { id: string };
        return { refused, errors, messageId: sent.id };
      });
      expect(outcome.refused).toEqual({ code: 4029, retryAfter: 2 });
      expect(outcome.errors).toEqual([
        {
          event: 'MessagingService.error',
          data: { code: 4029, message: 'Message rate too high for this session', retryAfter: 2 },
        },
      ]);
      const details = await readJson(
        await emulator.get(`/api/v2/conversations/messages/${outcome.messageId}/details`, await emulator.fetchToken()),
      );
      const customer = emulator.control
        .conversation(details.conversationId)!
        .participants.find((participant) => participant.purpose === 'customer')!;
      expect(customer.attributes).toEqual({ userId: 'usr_1001', note: 'pending', ...DEFAULT_INBOUND_FLOW.onStart });
    } finally {
      emulator.control.clearFaults();
      await context.close();
    }
  });

  it("keeps Messenger's database as Database.set, update and remove leave it, and sends it with the next message", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${emulator.url}/demo/`);
      await page.click('#sign-in');
      await page.waitForSelector('#attributes-step:not([hidden])');
      const messageId = await page.evaluate(async () => {
        const run = (name: string, options: object) =>
          new Promise((resolve, reject) =>
            (globalThis as unknown as { Genesys: (...args: unknown[]) => void }).Genesys(
              'command',
              name,
              options,
              resolve,
              reject,
            ),
          );
        (globalThis as unknown as { loadMessenger: () => void }).loadMessenger();
        await new Promise((resolve) =>
          (globalThis as unknown as { Genesys: (...args: unknown[]) => void }).Genesys(
            'subscribe',
            'Messenger.ready',
            resolve,
          ),
        );
        await run('Database.set', { messaging: { customAttributes: { kept: 'a', replaced: 'b', dropped: 'c' } } });
        await run('Database.update', { messaging: { customAttributes: { replaced: 'B' } } });
        await run('Database.remove', { messaging: { customAttributes: { dropped: '' } } });
        return ((await run('MessagingService.sendMessage', { message: 'Hi' })) as { id: string }).id;
      });
      const details = await readJson(
        await emulator.get(`/api/v2/conversations/messages/${messageId}/details`, await emulator.fetchToken()),
      );
      const customer = emulator.control
        .conversation(details.conversationId)!
        .participants.find((participant) => participant.purpose === 'customer')!;
      expect(customer.attributes).toEqual({ kept: 'a', replaced: 'B', ...DEFAULT_INBOUND_FLOW.onStart });
    } finally {
      await context.close();
    }
  });
});
