/**
 * Genesys Cloud regions. Every host derives from the region's domain; `messengerEnvironment`
 * is the `environment` value the Messenger snippet expects (null where it is not published).
 */
export interface GenesysRegion {
  readonly name: string;
  readonly domain: string;
  readonly messengerEnvironment: string | null;
}

export const GENESYS_REGIONS = [
  { name: 'us-east-1', domain: 'mypurecloud.com', messengerEnvironment: 'prod' },
  { name: 'us-east-2', domain: 'use2.us-gov-pure.cloud', messengerEnvironment: 'fedramp-use2-core' },
  { name: 'us-west-2', domain: 'usw2.pure.cloud', messengerEnvironment: 'prod-usw2' },
  { name: 'ca-central-1', domain: 'cac1.pure.cloud', messengerEnvironment: 'prod-cac1' },
  { name: 'sa-east-1', domain: 'sae1.pure.cloud', messengerEnvironment: 'prod-sae1' },
  { name: 'mx-central-1', domain: 'mxc1.pure.cloud', messengerEnvironment: 'prod-mxc1' },
  { name: 'eu-west-1', domain: 'mypurecloud.ie', messengerEnvironment: 'prod-euw1' },
  { name: 'eu-west-2', domain: 'euw2.pure.cloud', messengerEnvironment: 'prod-euw2' },
  { name: 'eu-central-1', domain: 'mypurecloud.de', messengerEnvironment: 'prod-euc1' },
  { name: 'eu-central-2', domain: 'euc2.pure.cloud', messengerEnvironment: 'prod-euc2' },
  { name: 'eusc-de-east-1', domain: 'edee1.eusc-pure.cloud', messengerEnvironment: null },
  { name: 'me-central-1', domain: 'mec1.pure.cloud', messengerEnvironment: 'prod-mec1' },
  { name: 'ap-south-1', domain: 'aps1.pure.cloud', messengerEnvironment: 'prod-aps1' },
  { name: 'ap-southeast-1', domain: 'apse1.pure.cloud', messengerEnvironment: 'prod-apse1' },
  { name: 'ap-southeast-2', domain: 'mypurecloud.com.au', messengerEnvironment: 'prod-apse2' },
  { name: 'ap-northeast-1', domain: 'mypurecloud.jp', messengerEnvironment: 'prod-apne1' },
  { name: 'ap-northeast-2', domain: 'apne2.pure.cloud', messengerEnvironment: 'prod-apne2' },
  { name: 'ap-northeast-3', domain: 'apne3.pure.cloud', messengerEnvironment: 'prod-apne3' },
] as const satisfies readonly GenesysRegion[];

export type GenesysRegionDomain = (typeof GENESYS_REGIONS)[number]['domain'];

export const GENESYS_REGION_DOMAINS: readonly GenesysRegionDomain[] = GENESYS_REGIONS.map((region) => region.domain);

export function findRegion(domain: GenesysRegionDomain): GenesysRegion {
  const region = GENESYS_REGIONS.find((candidate) => candidate.domain === domain);
  if (!region) throw new Error(`Unknown Genesys Cloud region domain: ${domain}`);
  return region;
}

export const loginHost = (region: GenesysRegion): string => `https://login.${region.domain}`;
export const apiHost = (region: GenesysRegion): string => `https://api.${region.domain}`;
/** The Web Messaging Guest API's WebSocket host (docs/genesys-platform.md). */
export const webMessagingHost = (region: GenesysRegion): string => `wss://webmessaging.${region.domain}`;
