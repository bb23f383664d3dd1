/** @typedef {import('@switchyard/processor').WorkerContext} WorkerContext */

/**
 * Runs once in each worker before its first message: what it sets on `context` stays there for
 * every later call in that worker (a model, a connection, a cache).
 * @param {WorkerContext} context
 */
export function initContext(context) {
  context.greeting = context.env.GREETING ?? 'hello';
  context.logger.info({ workerId: context.workerId }, 'worker ready');
}

/**
 * `data` is the message's bytes. The return value goes to the sink: nothing for undefined, a
 * string or Buffer as it is, an object as JSON. A throw is a failure, retried with backoff.
 * @param {WorkerContext} context
 * @param {Buffer} data
 */
export function handleEvent(context, data) {
  const text = data.toString('utf8').trim();
  if (text === '') return undefined; // nothing to publish; the message is still acked
  return { greeting: `${String(context.greeting)}, ${text}`, worker: context.workerId };
}
