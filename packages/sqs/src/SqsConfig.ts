import { configSection } from '@switchyard/core';
import { IsBoolean, IsIn, IsInt, IsObject, IsString, Max, Min } from 'class-validator';

/**
 * The SQS transport and the SNS/SQS producers. Env: `<DAEMON>__SQS__<KEY>`. Credentials are never
 * config: they come from the AWS default provider chain (env, profile, SSO, instance/task role).
 */
@configSection('sqs')
export class SqsConfig {
  /** Queue the daemon consumes (flag `--queue-url`); empty means the SQS transport is not used. */
  @IsString() queueUrl = '';
  /** Another SQS-compatible server, e.g. ElasticMQ (flag `--endpoint-url`); empty means AWS. */
  @IsString() endpointUrl = '';
  /** AWS region (flag `--region`); empty means the SDK's default (AWS_REGION, profile). */
  @IsString() region = '';
  /** Long-poll wait of one ReceiveMessage call. */
  @IsInt() @Min(0) @Max(20) waitTimeSeconds = 20;
  /**
   * At stop, let the long polls in flight end (at most `waitTimeSeconds`) and send what they receive
   * back to the queue at once. Off, a stop cuts them off without waiting, but SQS keeps a cut-off poll
   * open for the rest of its wait: a message arriving then is hidden for its visibility timeout.
   */
  @IsBoolean() waitForPollsAtStop = true;
  /** Lease of a received message; 0 means the queue's own VisibilityTimeout attribute. */
  @IsInt() @Min(0) @Max(43_200) visibilityTimeoutSeconds = 0;
  /** ReceiveMessage calls in flight at once, together asking for no more than the daemon's free room. */
  @IsInt() @Min(1) @Max(20) pollers = 2;
  /** Framework dead-letter queue; empty means the queue's redrive target, if it has one. */
  @IsString() deadLetterQueueUrl = '';
  /** Acks and nacks wait at most this long to be sent in one batch call (10 are sent at once). */
  @IsInt() @Min(0) @Max(10_000) ackFlushMs = 20;
  /** Check each body against its MD5OfBody; a mismatch is dead-lettered, not handled. */
  @IsBoolean() verifyMd5 = true;
  /** Where `produce` sends: `sns` with a topic configured, else `sqs` (`auto` picks). */
  @IsIn(['auto', 'sns', 'sqs']) producer: 'auto' | 'sns' | 'sqs' = 'auto';
  /** SNS topic for media types not in `topicArns`. */
  @IsString() topicArn = '';
  /** Media type → SNS topic ARN, as JSON: `{"application/vnd.acme.order": "arn:aws:sns:…"}`. */
  @IsObject() topicArns: Record<string, string> = {};
  /** SQS producer: default destination queue; empty means `queueUrl`. */
  @IsString() producerQueueUrl = '';
  /** SQS producer: media type → queue URL, as JSON. */
  @IsObject() queueUrls: Record<string, string> = {};
  /** SDK attempts per call, throttling and 5xx included (the SDK backs off with jitter between them). */
  @IsInt() @Min(1) @Max(20) maxAttempts = 5;
}
