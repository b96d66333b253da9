/** A mapping-table problem, located in its file: `file:line:col: field: message`. */
export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${field || "(table)"}: ${detail}`);
    this.name = "MappingError";
  }
}

/** Several problems found in one pass, so an integrator fixes a table in one go. */
export class MappingErrors extends Error {
  constructor(readonly errors: MappingError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "MappingErrors";
  }
}
