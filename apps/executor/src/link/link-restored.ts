/** A promise that resolves at the next (re)connect; each connect arms a fresh one. */
export class LinkRestored {
  #resolve: () => void = () => undefined;
  #promise: Promise<void> = this.#arm();

  /** Resolves when the link next comes up. */
  next(): Promise<void> {
    return this.#promise;
  }

  /** Called on every connect: wakes the waiters and arms the next promise. */
  restored(): void {
    this.#resolve();
    this.#promise = this.#arm();
  }

  #arm(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }
}
