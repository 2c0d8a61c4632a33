import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DemoShop, RunningEmulator } from 'genesys-emulator';
import { DEVELOPMENT_VISITOR_CLAIMS, createDevelopmentCredentials } from './auth/development-credentials';
import { createApp } from './bootstrap';
import { appConfig } from './config/app.config';
import { configurationSource, useConfigurationOverrides } from './config/environment';
import {
  announceSandbox,
  describeSandbox,
  needsSandbox,
  startSandboxEmulator,
  withdrawSandbox,
  type SandboxExample,
} from './development/sandbox';
import { AppLogger } from './logging/app-logger';
import { ATTRIBUTE_REGISTRY, type AttributeRegistry } from './attribute-registry/attribute-definition';
import { WidgetConfigService } from './widget-config/widget-config.service';
import { AttributeLedger } from './attribute-signature/attribute-ledger';
import { AttributeSigner } from './attribute-signature/attribute-signer';
import { parseSignature } from './attribute-signature/signature-format';
import type { SeededSet } from './development/development-state';

/**
 * `npm start`: the service for development. With no Genesys credentials it first starts the
 * emulator (the sandbox) and creates the service with the GENESYS_* settings that point at it as
 * configuration overrides; the emulator closes with the service. With credentials it is the
 * service as `src/bin/main.ts` starts it. The production entry point never comes here, so the
 * production build holds nothing of the emulator.
 */
export async function launchDevelopmentService(): Promise<NestFastifyApplication> {
  // The decision is the environment's alone, not what an earlier application was created with.
  useConfigurationOverrides({});
  if (!needsSandbox(configurationSource())) return createApp();
  // Made before the sandbox, so the demo shop it serves can sign in with the printed tokens.
  const developmentCredentials = createDevelopmentCredentials(configurationSource());
  const demo: DemoShop | undefined = developmentCredentials && {
    gatewayUrl: '',
    visitorToken: developmentCredentials.visitorToken,
    serviceToken: developmentCredentials.demoShopToken,
  };
  const sandbox = await startSandboxEmulator(configurationSource(), demo);
  let app: NestFastifyApplication;
  try {
    app = await createApp({ overrides: sandbox.settings, developmentCredentials });
  } catch (error) {
    await sandbox.emulator.close();
    throw error;
  }
  if (demo) demo.gatewayUrl = reachableUrl(appConfig());
  const env = configurationSource();
  const server = app.getHttpAdapter().getInstance();
  server.addHook('onClose', async () => {
    withdrawSandbox(sandbox.emulator, env);
    await sandbox.emulator.close();
  });
  const { examples, seeded } = await seedSignedExamples(app, sandbox.emulator);
  await seedAuditSample(app, sandbox.emulator);
  // Said once the service listens: a start that fails (port taken) neither advertises this sandbox nor replaces a
  // running one's entry.
  server.addHook('onListen', async () => {
    const port = listeningPort(app);
    announceSandbox(sandbox.emulator, port, seeded, env);
    app
      .get(AppLogger)
      .warn(`Sandbox mode: Genesys Cloud is replaced by the local emulator at ${sandbox.emulator.url}`, 'Sandbox');
    // Printed, not logged: the emulator's credentials are development values for pasting.
    process.stdout.write(describeSandbox(sandbox.emulator, examples, port));
  });
  return app;
}

function listeningPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : appConfig().port;
}

/** Where a browser on this machine reaches the service: the loopback address when it listens on every interface. */
function reachableUrl({ host, port }: { host: string; port: number }): string {
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${local}:${port}`;
}

/**
 * The edit of the tampered example: another value of an issued enum reads most naturally (Gold edited to Silver); else
 * a forged identity.
 */
function exampleEdit(
  registry: AttributeRegistry,
  issued: Readonly<Record<string, string>>,
): { name: string; value: string } {
  for (const definition of registry.definitions) {
    const other = definition.values?.find(
      (value) => issued[definition.name] !== undefined && value !== issued[definition.name],
    );
    if (other !== undefined) return { name: definition.name, value: other };
  }
  return { name: registry.identity.name, value: `${issued[registry.identity.name]}-forged` };
}

/**
 * Conversations for QA to verify at once: the development visitor's attributes issued by this
 * service and sent through the emulator's Messenger, once intact and once edited, beside the
 * emulator's own unsigned ones, and the ledger entry of the issued set (the audit sample's sets
 * have the same nonce: same visitor, same attributes). A registry the development visitor cannot
 * satisfy gets none.
 */
async function seedSignedExamples(
  app: NestFastifyApplication,
  sandbox: RunningEmulator,
): Promise<{ examples: SandboxExample[]; seeded: SeededSet[] }> {
  const unsigned = sandbox.control
    .conversationIds()
    .map((conversationId) => ({ conversationId, description: 'unsigned (seeded by the emulator)' }));
  const visitor = {
    subject: DEVELOPMENT_VISITOR_CLAIMS.sub,
    scopes: new Set<string>(),
    claims: DEVELOPMENT_VISITOR_CLAIMS,
  };
  let issued: Record<string, string>;
  try {
    issued = (await app.get(WidgetConfigService).configForVisitor(visitor)).guestAttributes;
  } catch (error) {
    app.get(AppLogger).debug(`No signed example conversations: ${(error as Error).message}`, 'Sandbox');
    return { examples: unsigned, seeded: [] };
  }
  const registry = app.get<AttributeRegistry>(ATTRIBUTE_REGISTRY);
  const send = (customAttributes: Record<string, string>) =>
    sandbox.control.ingest({ deploymentId: sandbox.deploymentId, customAttributes }).id;
  const edit = exampleEdit(registry, issued);
  const examples = [
    { conversationId: send(issued), description: 'signed, intact (verified)' },
    {
      conversationId: send({ ...issued, [edit.name]: edit.value }),
      description: `signed, ${edit.name} edited to ${edit.value} (tampered)`,
    },
    ...unsigned,
  ];
  const nonce = parseSignature(issued[app.get(AttributeSigner).signatureName])?.nonce;
  const set = nonce === undefined ? undefined : await app.get(AttributeLedger).find(nonce);
  return { examples, seeded: nonce !== undefined && set ? [{ nonce, set }] : [] };
}

/**
 * What the sandbox holds for `npm run audit -- --since 24h`: a day of conversations, a few of them tampered, unsigned
 * or late.
 */
export const SANDBOX_AUDIT_MIX = { intact: 1840, tampered: 40, unsigned: 60, late: 40, legacy: 20 } as const;

async function seedAuditSample(app: NestFastifyApplication, sandbox: RunningEmulator): Promise<void> {
  const end = Date.now() - 60_000;
  const start = end - 23 * 60 * 60 * 1000;
  let sets: SampleAttributeSet[];
  try {
    sets = await sampleAttributeSets(app, start, end);
  } catch (error) {
    app.get(AppLogger).debug(`No audit sample: ${(error as Error).message}`, 'Sandbox');
    return;
  }
  sandbox.control.generateConversations({
    start,
    end,
    mix: SANDBOX_AUDIT_MIX,
    attributeSets: sets,
    signatureAttribute: app.get(AttributeSigner).signatureName,
  });
}

/** A signed set as the emulator's conversation generator takes it (times in epoch ms). */
export interface SampleAttributeSet {
  attributes: Record<string, string>;
  issuedAt: number;
  expiresAt: number;
}

/**
 * The development visitor's attributes signed by this service at times spread over a span (every
 * half signature lifetime, from before it starts to after it ends), so the emulator can generate
 * conversations across the span with sets in force (intact) or issued after they started (late).
 */
export async function sampleAttributeSets(
  app: NestFastifyApplication,
  start: number,
  end: number,
): Promise<SampleAttributeSet[]> {
  const visitor = {
    subject: DEVELOPMENT_VISITOR_CLAIMS.sub,
    scopes: new Set<string>(),
    claims: DEVELOPMENT_VISITOR_CLAIMS,
  };
  const signer = app.get(AttributeSigner);
  const registry = app.get<AttributeRegistry>(ATTRIBUTE_REGISTRY);
  const issued = await app.get(WidgetConfigService).configForVisitor(visitor);
  const attributes = Object.fromEntries(
    Object.entries(issued.guestAttributes).filter(([name]) => name !== signer.signatureName),
  );
  const lifetimeMs = Date.parse(issued.expiresAt) - Date.parse(issued.issuedAt);
  const step = Math.max(1000, Math.floor(lifetimeMs / 2));
  const sets: SampleAttributeSet[] = [];
  for (let at = start - step; at <= end + step; at += step) {
    const { token, claims } = signer.sign(attributes, attributes[registry.identity.name], new Date(at));
    sets.push({
      attributes: { ...attributes, [signer.signatureName]: token },
      issuedAt: claims.issuedAt * 1000,
      expiresAt: claims.expiresAt * 1000,
    });
  }
  return sets;
}
