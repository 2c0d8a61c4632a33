import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies } from 'semver';

/**
 * One line for stderr when this Node.js is outside `engines`, else nothing. npm would warn
 * (EBADENGINE), but the project's `.npmrc` silences npm, so on an unsupported Node the service
 * has to say it itself.
 */
export function unsupportedRuntimeLine(version: string, supported: string | undefined): string | undefined {
  if (!supported || satisfies(version, supported)) return undefined;
  return `wm-attribute-gateway: Node.js ${version} is not supported (engines: ${supported}); run it on Node 24, e.g. \`nvm install 24\`, or \`npx -y -p node@24 npm start\`.\n`;
}

/**
 * The `engines.node` range of the project's package.json (one folder up from `src` and from `dist`), if it can be read.
 */
export function supportedNodeRange(): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { engines?: { node?: string } })
      .engines?.node;
  } catch {
    return undefined;
  }
}
