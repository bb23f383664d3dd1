import type { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createLogger } from '@switchyard/core';
import {
  createSnsClient,
  createSqsClient,
  isMissingQueue,
  MAX_MESSAGE_BYTES,
  SqsConfig,
  SqsError,
  SqsErrorCodes,
  SqsTransport,
} from '@switchyard/sqs';
import { rpcErrorReply } from '../../bus/RpcReply.js';
import { RpcErrorCodes, rpcError } from '../../errors.js';
import { wireAddresses } from '../../wire/addresses.js';
import type { Lane, RpcWire, Served } from '../../wire/RpcWire.js';
import { snsFanout, sqsFanout, type EventFanout } from './eventFanout.js';
import { deadLetterQueueName, queueNameOf } from './names.js';
import { ReplyInbox } from './ReplyInbox.js';
import { SqsQueues } from './SqsQueues.js';
import { TtlCache } from './TtlCache.js';

/** A pino logger, as the SQS transport takes. */
export type SqsWireLogger = ConstructorParameters<typeof SqsTransport>[2];

export interface SqsWireOptions {
  /**
   * SQS/SNS settings (`endpointUrl`, `region`, `maxAttempts`; for served and listener queues also
   * `waitTimeSeconds`, `pollers`, `visibilityTimeoutSeconds`, `ackFlushMs`, `verifyMd5`). Their
   * defaults are SqsConfig's; `queueUrl` and `deadLetterQueueUrl` are the wire's own per queue.
   */
  readonly sqs?: Partial<SqsConfig>;
  /**
   * How events reach the listeners' queues: `sns` (a topic per event, one subscribed queue per
   * listener) or `sqs` (no SNS: the wire sends to each listener queue itself). Every process of a
   * deployment must use the same. Default `sqs`.
   */
  readonly events?: 'sns' | 'sqs';
  /** How long "who serves an API" is remembered (default 5000 ms; "nobody" for 1000 ms at most). */
  readonly servedTtlMs?: number;
  /**
   * How long the listeners of an event are remembered on plain SQS (default 0: read at every
   * publish, so a listener registered a moment ago in another process gets the next event).
   */
  readonly listenersTtlMs?: number;
  /**
   * Lease of a received call (default 10 s; a running call's lease is extended by the daemon). With
   * `sqs.waitForPollsAtStop` off, it is also how long a call stays hidden when a stopping daemon's
   * cut-off long poll had received it: then it is served by the next daemon after this long, if its
   * deadline allows.
   */
  readonly callLeaseSeconds?: number;
  readonly logger?: SqsWireLogger;
  /** Served and listener queues: messages asked for per receive (a daemon's consumer.batchSize). */
  readonly batchSize?: number;
  /** With no dead-letter queue a message would be hidden this long (a daemon's consumer.backoffMaxSeconds). */
  readonly keptVisibilitySeconds?: number;
  /** SDK clients to use instead of the wire's own (they are then not destroyed at close). */
  readonly sqsClient?: SQSClient;
  readonly snsClient?: SNSClient;
}

/** The tag on a request queue listing the API's methods (omitted when they exceed a tag value). */
export const METHODS_TAG = 'switchyard-rpc-methods';
const MAX_TAG_VALUE = 256;
// A request or listener queue's dead letters are kept 14 days, SQS's longest retention.
const DEAD_LETTER_ATTRIBUTES = { MessageRetentionPeriod: '1209600' };
// Replies nobody takes (the client died without closing) expire after 5 minutes.
const REPLY_QUEUE_ATTRIBUTES = { MessageRetentionPeriod: '300' };
const REQUEST_MEDIA_TYPE = 'application/vnd.switchyard.rpc.request';
const REPLY_QUEUE = /^rpc-reply-[A-Za-z0-9_-]+$/;

/**
 * RPC and events on SQS (and SNS for events): calls wait in the API's request queue `rpc-<api>`,
 * created by the daemon that serves it (with `rpc-<api>_dlq`, and its methods in a tag), so they
 * survive restarts of the serving side; each client's replies go to its own queue
 * `rpc-reply-<clientId>`, created by `openInbox` and deleted at close; events fan out to one queue
 * per listener, `event-<api>-<event>_<listener>` (with its `_dlq`), through SNS or, without it, by
 * the wire. Served and listener queues are consumed by the SQS transport, so leases, retries and
 * dead letters are the daemon's own.
 */
export function sqsWire(options: SqsWireOptions = {}): RpcWire {
  const settings = Object.assign(new SqsConfig(), options.sqs ?? {});
  const logger = options.logger ?? createLogger('switchyard-rpc-sqs', 'warn', 'json');
  const client = options.sqsClient ?? createSqsClient(settings);
  const sns = options.events === 'sns' ? (options.snsClient ?? createSnsClient(settings)) : undefined;
  const queues = new SqsQueues(client);
  const addresses = wireAddresses.sqs;
  const servedTtlMs = options.servedTtlMs ?? 5000;
  const fanout: EventFanout =
    sns === undefined ? sqsFanout(queues, logger, options.listenersTtlMs ?? 0) : snsFanout(sns, queues);
  const inboxes = new Set<ReplyInbox>();

  // One round trip on a miss once the queue's URL is known (ListQueueTags), two the first time.
  const served = new TtlCache<Served>(
    async (api) => {
      const url = await queues.find(addresses.requests(api));
      const tags = url === undefined ? undefined : await queues.tags(url);
      if (tags === undefined) {
        queues.forget(addresses.requests(api));
        return { served: false };
      }
      const methods = tags[METHODS_TAG];
      return methods === undefined
        ? { served: true }
        : { served: true, methods: new Set(methods.split(',')) };
    },
    (answer) => (answer.served ? servedTtlMs : Math.min(servedTtlMs, 1000)),
  );

  const unknownApi = (api: string) =>
    rpcError(
      RpcErrorCodes.API_UNKNOWN,
      `no daemon serves the ${api} API on SQS: its request queue ${addresses.requests(api)} does not exist`,
    );

  const lane = (
    address: string,
    queueUrl: string,
    deadLetterQueueUrl: string,
    lease: Partial<SqsConfig> = {},
  ): Lane => {
    const config = Object.assign(new SqsConfig(), settings, { queueUrl, deadLetterQueueUrl }, lease);
    const transport = new SqsTransport(
      client,
      config,
      logger.child({ transport: 'sqs', queue: address }),
      options.batchSize ?? 10,
      // The wire's client serves every lane and the inbox: it is destroyed by the wire's close.
      async () => undefined,
      options.keptVisibilitySeconds,
    );
    return { address, transport };
  };

  /** Creates a lane's queue and its dead-letter queue. */
  const laneQueues = async (name: string): Promise<{ url: string; deadLetterUrl: string }> => {
    const deadLetterUrl = await queues.create(deadLetterQueueName(name), DEAD_LETTER_ATTRIBUTES);
    return { url: await queues.create(name), deadLetterUrl };
  };

  return {
    name: 'sqs',
    requestAddress: addresses.requests,
    served: (api) => served.get(api),

    async sendCall(api, call) {
      checkSize(`the ${api} call`, call.body);
      const name = addresses.requests(api);
      const url = await queues.find(name);
      if (url === undefined) throw unknownApi(api);
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: call.body,
            MessageAttributes: {
              media_type: { DataType: 'String', StringValue: REQUEST_MEDIA_TYPE },
              'x-switchyard-deadline': { DataType: 'Number', StringValue: String(call.deadline) },
            },
          }),
        );
      } catch (error) {
        if (!isMissingQueue(error)) throw error;
        queues.forget(name);
        served.forget(api);
        throw unknownApi(api);
      }
    },

    async openInbox(clientId, onReply) {
      const create = () => queues.create(addresses.replies(clientId), REPLY_QUEUE_ATTRIBUTES);
      const url = await create();
      const inbox = new ReplyInbox(client, url, onReply, logger, {
        pollers: settings.pollers,
        waitTimeSeconds: settings.waitTimeSeconds,
        recreate: async () => void (await create()),
      });
      inboxes.add(inbox);
      return {
        address: url,
        close: async () => {
          inboxes.delete(inbox);
          await inbox.close();
        },
      };
    },

    async sendReply(address, body) {
      // A call names its reply queue: never send anywhere else (a forged call could aim at any queue).
      if (!REPLY_QUEUE.test(queueNameOf(address))) {
        logger.warn({ replyTo: address }, 'a call named a reply address that is not a reply queue; not sent');
        return false;
      }
      try {
        await client.send(
          new SendMessageCommand({ QueueUrl: address, MessageBody: withinSqsLimit(body, logger) }),
        );
        return true;
      } catch (error) {
        if (isMissingQueue(error)) return false;
        // Never thrown: the pipeline would run the call again for a reply the caller may not await.
        // The SDK has already retried (sqs.maxAttempts); the caller times out.
        logger.warn({ err: error, replyTo: address }, 'could not send a reply; the caller will time out');
        return false;
      }
    },

    async serve(api, methods) {
      const name = addresses.requests(api);
      const { url, deadLetterUrl } = await laneQueues(name);
      const list = [...methods].join(',');
      // Last writer wins: while two versions run, clients see the methods of the last one started.
      if (list.length <= MAX_TAG_VALUE) await queues.tag(url, { [METHODS_TAG]: list });
      else await queues.untag(url, [METHODS_TAG]);
      served.forget(api);
      return {
        ...lane(name, url, deadLetterUrl, { visibilityTimeoutSeconds: options.callLeaseSeconds ?? 10 }),
        // The queue stays: calls wait there until this daemon or another serves it again.
        withdraw: async () => undefined,
      };
    },

    async publishEvent(api, event, body, mediaType) {
      checkSize(`the ${api}.${event} event`, body);
      await fanout.publish(api, event, body, mediaType);
    },

    async listen(api, event, listenerName) {
      const name = addresses.listener(api, event, listenerName);
      const { url, deadLetterUrl } = await laneQueues(name);
      await fanout.subscribe(api, event, listenerName, url);
      return lane(name, url, deadLetterUrl);
    },

    async close() {
      await Promise.all([...inboxes].map((inbox) => inbox.close()));
      inboxes.clear();
      if (options.sqsClient === undefined) client.destroy();
      if (options.snsClient === undefined) sns?.destroy();
    },
  };
}

/**
 * A reply too large for SQS becomes an error reply saying so, so the caller gets a RemoteError at
 * once instead of a timeout (the reply's JSON is the bus's own: its correlation id is read back).
 */
function withinSqsLimit(body: string, logger: SqsWireLogger): string {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes <= MAX_MESSAGE_BYTES) return body;
  const { correlationId } = JSON.parse(body) as { correlationId: string };
  const message = `the reply is ${bytes} bytes; SQS carries at most ${MAX_MESSAGE_BYTES} bytes per message`;
  logger.warn({ correlationId, bytes }, `${message}; the caller gets an error instead`);
  return rpcErrorReply(correlationId, RpcErrorCodes.REMOTE_FAILED, message);
}

/** A clear error before SQS refuses it: a message and its attributes stop at 256 KiB. */
function checkSize(what: string, body: string): void {
  const bytes = Buffer.byteLength(body, 'utf8');
  // Room for the attributes (media type, deadline): well under 1 KiB.
  if (bytes > MAX_MESSAGE_BYTES - 1024)
    throw new SqsError(
      SqsErrorCodes.MESSAGE_TOO_LARGE,
      `${what} is ${bytes} bytes; SQS carries at most ${MAX_MESSAGE_BYTES} bytes per message (send less, or a reference to it)`,
    );
}
