import { DomainError } from '../../src/core/errors/domain-error';

/** What `f` refuses with: the DomainError's code and details, or undefined when it does not throw (anything else is rethrown). */
export function domainRefusal(f: () => void): { code: string; details: Record<string, unknown> } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details };
    throw e;
  }
  return undefined;
}

/** The error `p` rejects with (a DomainError for a refusal); fails the test when `p` resolves. */
export async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}
