/** A refusal the VEN answers with an OpenADR response code (per event, report request or pushed payload). */
export class VenRefusal extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = "VenRefusal";
  }
}
