/** Why `haneul build` failed: a message for the person running it (sam build's "Build Failed"). */
export class BuildError extends Error {
  override readonly name = "BuildError";
}
