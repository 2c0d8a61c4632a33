import { EmulatorConfigurationError } from './environment';
import { emulatorOptionsFromEnvironment } from './emulator.config';
import { startGenesysEmulator } from './emulator-server';

/** `npm run emulator`: the Genesys Cloud emulator on its own, for QA and integrators. */
async function main(): Promise<void> {
  const emulator = await startGenesysEmulator({ ...emulatorOptionsFromEnvironment(process.env), seed: true });
  const lines = [
    `Genesys Cloud emulator listening on ${emulator.url}`,
    `  GENESYS_LOGIN_URL=${emulator.url}`,
    `  GENESYS_API_URL=${emulator.url}`,
    `  GENESYS_WEBMESSAGING_URL=${emulator.url.replace(/^http/, 'ws')}`,
    `  GENESYS_CLIENT_ID=${emulator.clientId}`,
    `  GENESYS_CLIENT_SECRET=${emulator.clientSecret}`,
    `  GENESYS_DEPLOYMENT_ID=${emulator.deploymentId}`,
    `  GENESYS_ORGANIZATION_ID=${emulator.organizationId}`,
    `Seeded conversations: ${emulator.control.conversationIds().join(', ')}`,
    `Admin routes: ${emulator.adminRoutes ? 'on (/emulator/admin/...)' : 'off'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof EmulatorConfigurationError
      ? `The emulator will not start.\n${error.message}\n`
      : `${String(error)}\n`,
  );
  process.exit(1);
});
