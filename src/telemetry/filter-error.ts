/** A filter pattern that cannot be parsed (the Logs API answers InvalidParameterException). */
export class FilterPatternError extends Error {}
