import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OrphanLedger } from '../src/wires/kafka/OrphanLedger.js';
import { isBusReplyTopic } from '../src/wires/kafka/replyTopics.js';

const sweep = (...groups: string[]): Set<string> => new Set(groups);

describe('OrphanLedger (which reply groups of the Kafka wire count as gone)', () => {
  it('a group is due once every sweep over the grace saw it without members', () => {
    const ledger = new OrphanLedger(1000);
    expect(ledger.observe(0, sweep('a'))).toEqual([]);
    expect(ledger.observe(600, sweep('a'))).toEqual([]);
    expect(ledger.memberlessFor('a', 900)).toBe(900);
    expect(ledger.observe(1000, sweep('a'))).toEqual(['a']);
  });

  it('a group seen with a member, unreadable or gone in one sweep starts again from zero', () => {
    const ledger = new OrphanLedger(1000);
    ledger.observe(0, sweep('starting', 'rejoining'));
    // Neither is in the second sweep: the starting client has joined, the other could not be read.
    ledger.observe(500, sweep());
    expect(ledger.observe(1000, sweep('starting', 'rejoining'))).toEqual([]);
    expect(ledger.memberlessFor('starting', 1000)).toBe(0);
    expect(ledger.observe(2000, sweep('starting', 'rejoining'))).toEqual(['starting', 'rejoining']);
  });

  it('a failed removal is due again one grace later; a forgotten group only once seen again', () => {
    const ledger = new OrphanLedger(1000);
    ledger.observe(0, sweep('refused', 'removed'));
    expect(ledger.observe(1000, sweep('refused', 'removed'))).toEqual(['refused', 'removed']);
    ledger.postpone('refused', 1000);
    ledger.forget('removed');
    expect(ledger.observe(1500, sweep('refused', 'removed'))).toEqual([]);
    expect(ledger.observe(2000, sweep('refused', 'removed'))).toEqual(['refused']);
  });
});

describe('isBusReplyTopic', () => {
  it("is true for a bus's reply topic rpc.reply.<uuid> only", () => {
    expect(isBusReplyTopic(`rpc.reply.${randomUUID()}`)).toBe(true);
    // The dead-letter topic of an API named reply, the API's own topic, another application's topic.
    expect(isBusReplyTopic('rpc.reply.dlt')).toBe(false);
    expect(isBusReplyTopic('rpc.reply')).toBe(false);
    expect(isBusReplyTopic('rpc.reply.orders-service')).toBe(false);
    expect(isBusReplyTopic(`rpc.reply.${randomUUID()}.dlt`)).toBe(false);
    expect(isBusReplyTopic(`event.reply.${randomUUID()}`)).toBe(false);
  });
});
