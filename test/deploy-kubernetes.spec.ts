import { loadAll } from 'js-yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { variableNames } from '../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../src/environment-schemas';
import { requiredInProduction } from './support/production-environment';

/**
 * A structural check of deploy/kubernetes (no schema validator installs from the registries here):
 * known kinds and API versions, names that refer to each other resolve, probes and ports are the
 * service's, and the settings are variables the service reads, every required one among them.
 */
const DIR = join(__dirname, '..', 'deploy', 'kubernetes');
const API_VERSIONS: Record<string, string> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;
const files = readdirSync(DIR).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((file) => loadAll(readFileSync(join(DIR, file), 'utf8')) as Manifest[]);
const find = (kind: string, name: string) =>
  manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
const gateway = find('Deployment', 'wm-attribute-gateway');
const pod = gateway.spec.template;
const container = pod.spec.containers[0];
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('deploy/kubernetes', () => {
  it('is listed whole in kustomization.yaml, and holds only kinds it knows, in their stable API versions', () => {
    const kustomization = loadAll(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0] as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
    for (const manifest of manifests) {
      expect(API_VERSIONS[manifest.kind]).toBe(manifest.apiVersion);
      expect(manifest.metadata.name).toMatch(/^[a-z0-9-]{1,63}$/);
    }
  });

  it('runs the gateway with probes on its own health routes and port, resources, and as non-root', () => {
    expect(matches(gateway.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const port = container.ports.find((candidate: Manifest) => candidate.name === 'http');
    expect(String(port.containerPort)).toBe(find('ConfigMap', 'wm-attribute-gateway').data.PORT);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    // Above the peak RSS the bench measures under load (BENCHMARKS.md), so load never kills a pod.
    expect(Number(/^(\d+)Mi$/.exec(container.resources.limits.memory)![1])).toBeGreaterThanOrEqual(256);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(gateway.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it('gives the gateway only variables the service reads, every one production requires, the secret ones from the Secret', () => {
    const read = new Set(ENVIRONMENT_SCHEMAS.flatMap((schema) => variableNames(schema)));
    const sources = container.envFrom.map((source: Manifest) =>
      source.configMapRef
        ? find('ConfigMap', source.configMapRef.name).data
        : find('Secret', source.secretRef.name).stringData,
    );
    const given = new Set<string>([
      ...sources.flatMap((values: Record<string, string>) => Object.keys(values)),
      ...container.env.map((entry: Manifest) => entry.name),
    ]);
    // What the container's own settings refer to ($(NAME)) is read by Kubernetes, not by the service.
    const referenced = new Set(
      container.env.flatMap((entry: Manifest) =>
        [...String(entry.value ?? '').matchAll(/\$\((\w+)\)/g)].map((match) => match[1]),
      ),
    );
    expect([...given].filter((name) => !read.has(name) && !referenced.has(name))).toEqual([]);
    expect(requiredInProduction().filter((alternatives) => !alternatives.some((name) => given.has(name)))).toEqual([]);
    const secret = find(
      'Secret',
      container.envFrom.find((source: Manifest) => source.secretRef).secretRef.name,
    ).stringData;
    expect(Object.keys(secret)).toEqual(expect.arrayContaining(['GENESYS_CLIENT_SECRET', 'ATTRIBUTE_SIGNING_KEYS']));
  });

  it('points the Service, the autoscaler and the disruption budget at the gateway, and REDIS_URL at the Redis Service', () => {
    const service = find('Service', 'wm-attribute-gateway');
    expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const hpa = find('HorizontalPodAutoscaler', 'wm-attribute-gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'wm-attribute-gateway',
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = find('PodDisruptionBudget', 'wm-attribute-gateway');
    expect(matches(pdb.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    const redisUrl = new URL(container.env.find((entry: Manifest) => entry.name === 'REDIS_URL').value);
    const redisService = find('Service', redisUrl.hostname);
    expect(redisService.spec.ports.map((entry: Manifest) => String(entry.port))).toContain(redisUrl.port);
    const redis = manifests.find(
      (manifest) =>
        manifest.kind === 'Deployment' && matches(redisService.spec.selector, manifest.spec.template.metadata.labels),
    );
    expect(redis).toBeDefined();
  });

  it('locks Redis: a password from the Secret, which REDIS_URL carries, and a NetworkPolicy that lets only the gateway in', () => {
    const redis = find('Deployment', 'wm-attribute-gateway-redis');
    const server = redis.spec.template.spec.containers[0];
    const password = server.env.find((entry: Manifest) => entry.name === 'REDIS_PASSWORD').valueFrom.secretKeyRef;
    const secret = container.envFrom.find((source: Manifest) => source.secretRef).secretRef.name;
    expect(password).toEqual({ name: secret, key: 'REDIS_PASSWORD' });
    expect(find('Secret', secret).stringData.REDIS_PASSWORD).toEqual(expect.any(String));
    expect(server.args.slice(server.args.indexOf('--requirepass'))).toEqual(['--requirepass', '$(REDIS_PASSWORD)']);
    expect(server.readinessProbe.exec.command.join(' ')).toContain('REDISCLI_AUTH');
    const redisUrl = new URL(container.env.find((entry: Manifest) => entry.name === 'REDIS_URL').value);
    expect(decodeURIComponent(redisUrl.password)).toBe('$(REDIS_PASSWORD)');
    expect(find('ConfigMap', 'wm-attribute-gateway').data.REDIS_URL).toBeUndefined();

    const policy = find('NetworkPolicy', 'wm-attribute-gateway-redis');
    expect(matches(policy.spec.podSelector.matchLabels, redis.spec.template.metadata.labels)).toBe(true);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.from).toEqual([{ podSelector: { matchLabels: gateway.spec.selector.matchLabels } }]);
    expect(rule.ports).toEqual([{ port: 'redis', protocol: 'TCP' }]);
  });
});
