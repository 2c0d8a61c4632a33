export class RoutingDecisionDto {
  /**
   * The queue the routing rules pick for these attributes.
   * @example "queue-support-gold"
   */
  queueId!: string;

  /** @example "queue-support" */
  defaultQueueId!: string;
}

/** What a frontend needs to start Messenger for this visitor. */
export class WidgetConfigDto {
  /**
   * The Messenger deployment id (`Genesys.c.deploymentId` in the snippet).
   * @example "6b0e2c1a-5d4f-4e3a-9b8c-7d6e5f4a3b2c"
   */
  widgetId!: string;

  /** @example "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" */
  organizationId!: string | null;

  /**
   * The Messenger `environment` code of the region (`Genesys.c.environment`).
   * @example "prod-euw1"
   */
  environment!: string | null;

  /**
   * The Genesys Cloud region domain.
   * @example "mypurecloud.ie"
   */
  region!: string;

  /**
   * Strings to pass unchanged to `Genesys("command", "Database.set", { messaging: { customAttributes } })`, the signature included.
   * @example { "userId": "usr_1001", "userTier": "Gold", "attributesSignature": "v1.k1.eyJ1Ijoi...fQ.3q2-..." }
   */
  guestAttributes!: Record<string, string>;

  routing!: RoutingDecisionDto;

  /** @example "2026-11-24T09:00:00.000Z" */
  issuedAt!: string;

  /** @example "2026-11-24T10:00:00.000Z" */
  expiresAt!: string;
}
