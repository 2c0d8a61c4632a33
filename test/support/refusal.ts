import { ApiError } from '../../src/errors/api-error';

/** What a service refused with: the ApiError's status, code, details and headers; undefined when it did not refuse. */
export async function refusalOf(promise: Promise<unknown>) {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.getStatus(), code: error.code, details: error.details, headers: error.headers };
  }
}
