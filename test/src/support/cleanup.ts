/**
 * Resources shared by the tests of a file, released in reverse order from afterAll whether the tests passed or not
 * (Node 20 has no AsyncDisposableStack).
 */
export class Cleanup {
  private readonly stack: AsyncDisposable[] = [];

  add<T extends AsyncDisposable>(resource: T): T {
    this.stack.push(resource);
    return resource;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let resource = this.stack.pop(); resource !== undefined; resource = this.stack.pop()) {
      try {
        await resource[Symbol.asyncDispose]();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  }
}
