/** The text of anything thrown: an Error's message, else its string form. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Anything thrown, as an Error (Node-RED's done(err) and catch nodes want one). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
