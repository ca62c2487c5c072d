/** A pattern AWS refuses, with the reason AWS gives (InvalidEventPatternException). */
export class InvalidEventPattern extends Error {
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = "InvalidEventPattern";
  }
}
