/** What an SQS body turned out to be: a plain message, an SNS notification, or a broken envelope. */
export type UnwrappedBody =
  | { kind: 'plain'; body: string }
  | { kind: 'sns'; body: string; attributes: Record<string, string>; topicArn: string; messageId?: string }
  | { kind: 'corrupt'; reason: string };

/**
 * SNS without raw message delivery wraps each message in a JSON envelope
 * (`{"Type":"Notification","TopicArn":…,"Message":…,"MessageAttributes":{name:{Type,Value}}}`).
 * This unwraps it; anything that is not such an envelope is passed on untouched for core to decode
 * (which dead-letters a body that is not JSON with that reason).
 */
export function unwrapSnsEnvelope(body: string): UnwrappedBody {
  if (!looksLikeEnvelope(body)) return { kind: 'plain', body };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'plain', body };
  }
  if (!isRecord(parsed) || parsed.Type !== 'Notification' || parsed.TopicArn === undefined)
    return { kind: 'plain', body };
  if (typeof parsed.TopicArn !== 'string') return corrupt('TopicArn is not a string');
  if (typeof parsed.Message !== 'string') return corrupt('Message is missing or not a string');
  const attributes = envelopeAttributes(parsed.MessageAttributes);
  if (typeof attributes === 'string') return corrupt(attributes);
  return {
    kind: 'sns',
    body: parsed.Message,
    attributes,
    topicArn: parsed.TopicArn,
    messageId: typeof parsed.MessageId === 'string' ? parsed.MessageId : undefined,
  };
}

// Cheap pre-check so ordinary message bodies are not parsed twice (core parses them again, safely).
function looksLikeEnvelope(body: string): boolean {
  return body.startsWith('{') && body.includes('"Type"') && body.includes('"Notification"');
}

/** String and Number attributes as strings; Binary ones are skipped. A string return is an error. */
function envelopeAttributes(value: unknown): Record<string, string> | string {
  if (value === undefined) return {};
  if (!isRecord(value)) return 'MessageAttributes is not an object';
  const attributes: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(value)) {
    if (!isRecord(attribute) || typeof attribute.Type !== 'string')
      return `MessageAttributes["${name}"] has no Type`;
    if (attribute.Type.startsWith('Binary')) continue;
    if (typeof attribute.Value !== 'string') return `MessageAttributes["${name}"] has no string Value`;
    attributes[name] = attribute.Value;
  }
  return attributes;
}

function corrupt(detail: string): UnwrappedBody {
  return { kind: 'corrupt', reason: `corrupt SNS envelope: ${detail}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
