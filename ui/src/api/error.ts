//! The one error type of the API: `{code, message}` from Cashline, or a sentence about the way there.

/** An error from Cashline (`{code, message}`) or from the way there; `message` is for people. */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** An answer that does not have the shape the wire types promise. */
export function malformed(detail: string): ApiError {
  return new ApiError('malformed_response', `Cashline sent an answer the window cannot read: ${detail}.`);
}

/** Refuses what the person typed before it goes anywhere, with a sentence naming the field. */
export function checkInput(pattern: RegExp, value: string, what: string): void {
  if (!pattern.test(value)) throw new ApiError('bad_request', `${what} is not valid: "${value}".`);
}
