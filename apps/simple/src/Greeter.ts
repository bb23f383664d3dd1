import { injectable } from '@switchyard/core';

/** A collaborator the handler gets injected: stands in for a client, a cache or a repository. */
@injectable()
export class Greeter {
  greet(text: string): string {
    return `hello, ${text}`;
  }
}
