/** An error the API answers with its own status and code (the error handler turns it into {error: {code, message}}). */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
