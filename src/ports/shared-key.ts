/** An access key pair as the nodes of a cluster share it. */
export interface SharedKeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Where the nodes of a cluster agree on one generated access key (their shared database), so that
 * a request signed with it is accepted by whichever node answers.
 */
export interface SharedKeySource {
  /** Stores `candidate` unless a key is stored already; resolves to the stored key and whether it is `candidate`. */
  adopt(candidate: SharedKeyPair): Promise<{ readonly key: SharedKeyPair; readonly created: boolean }>;
}
