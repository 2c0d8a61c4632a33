import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedCaller } from './authenticated-caller';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';
/** The name of the bearer-token security scheme in the OpenAPI document, which controllers refer to. */
export const BEARER_AUTH = 'bearer';

/** The route answers without a token (health probes). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller's token must carry every one of these scopes (internal-service endpoints). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The verified caller of this request. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedCaller =>
    context.switchToHttp().getRequest<{ user: AuthenticatedCaller }>().user,
);
