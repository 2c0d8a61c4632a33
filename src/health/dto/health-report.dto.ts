/** The state of one dependency. */
export class DependencyStateDto {
  /**
   * `up`, `degraded` (working on a fallback) or `down`.
   * @example "up"
   */
  status!: string;

  /** Why the dependency is degraded or down; absent when it is up. */
  message?: string;
}

/** What the probe found, dependency by dependency. */
export class HealthReportDto {
  /**
   * `ok` when every dependency is up or degraded.
   * @example "ok"
   */
  status!: string;

  /** The dependencies that are up or degraded, by name. */
  info!: Record<string, DependencyStateDto>;

  /** The dependencies that are down, by name (a 503 lists them in `details` of the error body instead). */
  error!: Record<string, DependencyStateDto>;

  /** Every dependency checked, by name. */
  details!: Record<string, DependencyStateDto>;
}
