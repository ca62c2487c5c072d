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

/** The node secret as a cluster's database records it: its fingerprint, and the secret itself when generated. */
export interface SharedNodeSecret {
  readonly fingerprint: string;
  /** The secret, when the first node generated it (none was configured); undefined when configured. */
  readonly secret: string | undefined;
}

/** Where the nodes of a cluster agree on one node secret (it seals stored keys and derives instance keys). */
export interface SharedSecretSource {
  /** Records `candidate` unless one is recorded already; resolves to the recorded one. */
  adoptSecret(candidate: SharedNodeSecret): Promise<SharedNodeSecret>;
}
