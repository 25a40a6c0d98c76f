/**
 * Sends one signer's transactions without nonce collisions, however many are fired at once.
 *
 * @module
 */
import type { Provider, Signer, TransactionResponse } from "ethers";

/**
 * Serializes the *sending* of a signer's transactions and hands each one the next nonce. Gas
 * estimation happens before (in parallel); mining is awaited after (in parallel). If a send
 * fails, the next one re-reads the pending nonce from the node (uncached), so a failure never
 * leaves a gap or reuses a nonce.
 *
 * @example
 * const sender = new NonceSerializedSender(wallet);
 * await Promise.all(steps.map((step) => sender.send((nonce) => registry.logStep(step, { nonce, gasLimit }))));
 */
export class NonceSerializedSender {
  readonly #signer: Signer;
  #nextNonce: number | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(signer: Signer) {
    this.#signer = signer;
  }

  /** Sends one transaction with the next nonce; resolves once the node accepted it. */
  send(sendWithNonce: (nonce: number) => Promise<TransactionResponse>): Promise<TransactionResponse> {
    const run = async (): Promise<TransactionResponse> => {
      const nonce = this.#nextNonce ?? (await this.#pendingNonce());
      try {
        const response = await sendWithNonce(nonce);
        this.#nextNonce = nonce + 1;
        return response;
      } catch (error) {
        this.#nextNonce = undefined;
        throw error;
      }
    };
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * The signer's pending nonce, asked fresh: ethers' `getTransactionCount` may answer from a
   * cache up to 250 ms old, which right after a send would hand out a nonce already used.
   */
  async #pendingNonce(): Promise<number> {
    const provider = this.#signer.provider as
      (Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> }) | null;
    if (provider === null || typeof provider.send !== "function") return this.#signer.getNonce("pending");
    const address = await this.#signer.getAddress();
    return Number(await provider.send("eth_getTransactionCount", [address, "pending"]));
  }

  /** Forgets the cached nonce (after transactions were sent from elsewhere). */
  reset(): void {
    this.#nextNonce = undefined;
  }
}
