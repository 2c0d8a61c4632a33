import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const KIT = join(__dirname, '..', 'integrations', 'genesys');

interface DataAction {
  config: {
    request: {
      requestUrlTemplate: string;
      requestType: string;
      headers: Record<string, string>;
      requestTemplate: string;
    };
    response: {
      translationMap: Record<string, string>;
      translationMapDefaults: Record<string, string>;
      successTemplate: string;
    };
  };
  contract: { input: { inputSchema: Record<string, unknown> }; output: { successSchema: Record<string, unknown> } };
}

const action = JSON.parse(readFileSync(join(KIT, 'check-attribute-signature.data-action.json'), 'utf8')) as DataAction;
/** Ajv speaks newer drafts; the contract's draft-04 schemas use nothing that differs. */
const schema = ({ $schema: _draft, ...rest }: Record<string, unknown>) => rest;
const ajv = new Ajv({ strict: false, allErrors: true });

/**
 * What Genesys does with the action, as its format describes: Velocity substitution of inputs and credentials, then the
 * translation map and the success template.
 */
function renderRequest(inputs: Record<string, string>, credentials: Record<string, string>) {
  const substitute = (template: string) =>
    template
      .replace(/\$esc\.jsonString\(\$\{input\.(\w+)\}\)/g, (_all, name: string) => JSON.stringify(inputs[name] ?? ''))
      .replace(/\$\{input\.(\w+)\}/g, (_all, name: string) => inputs[name] ?? '')
      .replace(/\$\{credentials\.(\w+)\}/g, (_all, name: string) => credentials[name] ?? '');
  const { request } = action.config;
  return {
    method: request.requestType,
    path: new URL(substitute(request.requestUrlTemplate)).pathname,
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, substitute(value)])),
    body: substitute(request.requestTemplate),
  };
}

function translate(answer: Record<string, unknown>): unknown {
  const { translationMap, translationMapDefaults, successTemplate } = action.config.response;
  const values = Object.fromEntries(
    Object.entries(translationMap).map(([variable, path]) => {
      const field = /^\$\.(\w+)$/.exec(path)![1];
      return [
        variable,
        Object.hasOwn(answer, field) ? JSON.stringify(answer[field]) : translationMapDefaults[variable],
      ];
    }),
  );
  return JSON.parse(successTemplate.replace(/\$\{(\w+)\}/g, (_all, variable: string) => values[variable]));
}

describe('the Architect data action kit, against the running service', () => {
  let t: TestApp;
  let issued: Record<string, string>;
  const checkInputs = ajv.compile(schema(action.contract.input.inputSchema));
  const checkOutput = ajv.compile(schema(action.contract.output.successSchema));

  beforeAll(async () => {
    t = await startTestApp();
    issued = (
      await t.http.get('/api/web-messaging/config').set('Authorization', `Bearer ${visitorToken()}`).expect(200)
    ).body.guestAttributes;
  });
  afterAll(() => t.close());

  /** Get Participant Data hands every attribute the flow reads, an unset one as "". */
  const fromParticipantData = (attributes: Record<string, string>) => ({
    userId: attributes.userId ?? '',
    userTier: attributes.userTier ?? '',
    lastOrderDate: attributes.lastOrderDate ?? '',
    email: attributes.email ?? '',
    attributesSignature: attributes.attributesSignature ?? '',
  });

  async function callAction(attributes: Record<string, string>) {
    const inputs = fromParticipantData(attributes);
    expect(checkInputs(inputs)).toBe(true);
    const request = renderRequest(inputs, { token: serviceToken(['conversations:verify']) });
    expect(request.method).toBe('POST');
    const response = await t.http.post(request.path).set(request.headers).send(request.body).expect(200);
    const output = translate(response.body);
    expect(checkOutput.errors ?? []).toEqual([]);
    expect(checkOutput(output)).toBe(true);
    return output;
  }

  it('says valid for the set as issued, unset attributes passed as empty strings', async () => {
    expect(await callAction(issued)).toEqual({
      valid: true,
      reason: 'valid',
      userId: 'usr_1001',
      queueId: 'queue-support-gold',
      trustedAttributes: 'userId,userTier',
    });
  });

  it('says mismatch for an edited attribute', async () => {
    expect(await callAction({ ...issued, userTier: 'Silver' })).toEqual({
      valid: false,
      reason: 'mismatch',
      userId: '',
      queueId: 'queue-support',
      trustedAttributes: '',
    });
  });

  it('says missing_signature for an unsigned set', async () => {
    const { attributesSignature: _dropped, ...unsigned } = issued;
    expect(await callAction(unsigned)).toEqual({
      valid: false,
      reason: 'missing_signature',
      userId: '',
      queueId: 'queue-support',
      trustedAttributes: '',
    });
  });

  it('is the same action in the Terraform resource: URL path, templates and schemas', () => {
    const terraform = readFileSync(join(KIT, 'check-attribute-signature.tf'), 'utf8').replace(/\$\$\{/g, '${');
    const { request, response } = action.config;
    expect(terraform).toContain(`\${var.wm_gateway_url}${new URL(request.requestUrlTemplate).pathname}"`);
    expect(terraform).toContain(`request_template     = ${JSON.stringify(request.requestTemplate)}`);
    expect(terraform).toContain(`success_template = ${JSON.stringify(response.successTemplate)}`);
    for (const name of Object.keys((action.contract.input.inputSchema as { properties: object }).properties))
      expect(terraform).toMatch(new RegExp(`\\b${name}\\s+= \\{ type = "string" \\}`));
    for (const [variable, path] of Object.entries(response.translationMap))
      expect(terraform).toMatch(new RegExp(`\\b${variable}\\s+= "\\${path}"`));
  });
});
