/**
 * Secrets the default `beforeSend` must never let through, each as a test places it. `findable`
 * lists the strings that must not appear anywhere in what Sentry receives (the secret itself, and
 * its compact form where the placement adds separators).
 */
export const SECRETS = {
  awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  bearerToken: 'mF_9.B5f-4.1JqM',
  cardNumber: '4111 1111 1111 1111',
  cardNumberCompact: '5500005555555559',
  email: 'jane.doe@example.com',
  githubToken: 'ghp_R2d2C3poBB8Luke1Leia2Han3Chewie4Yoda5',
  password: 'correct-horse-battery-staple',
  apiKey: 'zq81-hidden-api-key-value',
  urlPassword: 'pa55w0rd-in-url',
  privateKey: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
} as const;

/** Secrets recognisable by their shape alone; the others need their context (a key, `Bearer`, a URL). */
export const SHAPED: ReadonlyArray<keyof typeof SECRETS> = [
  'awsAccessKeyId',
  'awsSecretAccessKey',
  'jwt',
  'cardNumber',
  'cardNumberCompact',
  'email',
  'githubToken',
  'privateKey',
];

/** The characteristic part of each secret, as it would appear in received bytes. */
export const FINDABLE: readonly string[] = [
  SECRETS.awsAccessKeyId,
  SECRETS.awsSecretAccessKey,
  SECRETS.awsSecretAccessKey.replaceAll('/', '\\/'),
  SECRETS.jwt,
  SECRETS.jwt.split('.')[1]!,
  SECRETS.bearerToken,
  SECRETS.cardNumber,
  SECRETS.cardNumber.replaceAll(' ', ''),
  SECRETS.cardNumberCompact,
  SECRETS.email,
  SECRETS.githubToken,
  SECRETS.password,
  SECRETS.apiKey,
  SECRETS.urlPassword,
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
];

/** Free text that mentions every secret the way logs and error messages do. */
export function textWithEverySecret(): string {
  return [
    `payment for ${SECRETS.email} with card ${SECRETS.cardNumber} (or ${SECRETS.cardNumberCompact})`,
    `Authorization: Bearer ${SECRETS.bearerToken}`,
    `jwt ${SECRETS.jwt}`,
    `aws ${SECRETS.awsAccessKeyId} ${SECRETS.awsSecretAccessKey}`,
    `github ${SECRETS.githubToken}`,
    `password=${SECRETS.password} api_key: "${SECRETS.apiKey}"`,
    `https://admin:${SECRETS.urlPassword}@db.internal/payments`,
    SECRETS.privateKey,
  ].join('; ');
}

/** The same secrets under sensitive keys (or as values that look like secrets under plain keys). */
export function objectWithEverySecret(): Record<string, unknown> {
  return {
    password: SECRETS.password,
    apiKey: SECRETS.apiKey,
    headers: { Authorization: `Bearer ${SECRETS.bearerToken}`, cookie: `session=${SECRETS.jwt}` },
    customer: {
      email: SECRETS.email,
      card: SECRETS.cardNumber,
      cardNumber: Number(SECRETS.cardNumberCompact),
    },
    note: textWithEverySecret(),
    aws: { key: SECRETS.awsAccessKeyId, value: SECRETS.awsSecretAccessKey },
    github: SECRETS.githubToken,
    pem: SECRETS.privateKey,
    message_id: 'm-123',
    mediaType: 'application/vnd.test.payment',
  };
}
