/** Who is calling, from a verified JWT. */
export interface AuthenticatedCaller {
  /** The `sub` claim: a visitor's user id, or an internal service's name. */
  subject: string;
  scopes: ReadonlySet<string>;
  /** Every claim of the token, for building attributes from claim paths. */
  claims: Readonly<Record<string, unknown>>;
}
