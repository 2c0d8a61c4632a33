import { supportedNodeRange, unsupportedRuntimeLine } from './runtime-support';

describe('unsupportedRuntimeLine', () => {
  const engines = '^22.22.3 || ^24.15.0';

  it('says, in one line, that Node 20 (or 22 before 22.22.3, or 23) is not supported and how to get 24', () => {
    for (const version of ['v20.20.2', 'v22.11.0', 'v23.1.0']) {
      const line = unsupportedRuntimeLine(version, engines);
      expect(line).toBe(
        `wm-attribute-gateway: Node.js ${version} is not supported (engines: ${engines}); run it on Node 24, e.g. \`nvm install 24\`, or \`npx -y -p node@24 npm start\`.\n`,
      );
      expect(line?.trimEnd()).not.toContain('\n');
    }
  });

  it('says nothing on a supported Node, or when the range cannot be read', () => {
    expect(unsupportedRuntimeLine('v24.15.0', engines)).toBeUndefined();
    expect(unsupportedRuntimeLine('v22.22.3', engines)).toBeUndefined();
    expect(unsupportedRuntimeLine('v20.20.2', undefined)).toBeUndefined();
  });

  it("reads the range from the project's package.json", () => {
    expect(supportedNodeRange()).toBe(engines);
  });
});
