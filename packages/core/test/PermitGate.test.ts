import { describe, expect, it } from 'vitest';
import { PermitGate } from '../src/daemon/runner/PermitGate.js';

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('PermitGate', () => {
  it('lets the poll loop receive at once while it has room', async () => {
    const gate = new PermitGate(64);
    expect(await settled(gate.waitForRoom(new AbortController().signal))).toBe(true);
  });

  it('when full, wakes the poll loop only once a batch of room is free (an eighth, at most 10)', async () => {
    const gate = new PermitGate(64);
    gate.take(64);
    const waiting = gate.waitForRoom(new AbortController().signal);
    for (let index = 0; index < 7; index += 1) gate.release();
    expect(await settled(waiting)).toBe(false);
    gate.release();
    expect(await settled(waiting)).toBe(true);
    expect(gate.room).toBe(8);
  });

  it('with a concurrency of 1, wakes as soon as the one message is done', async () => {
    const gate = new PermitGate(1);
    gate.take(1);
    const waiting = gate.waitForRoom(new AbortController().signal);
    gate.release();
    expect(await settled(waiting)).toBe(true);
  });

  it('a stop wakes a waiting poll loop', async () => {
    const gate = new PermitGate(4);
    gate.take(4);
    const controller = new AbortController();
    const waiting = gate.waitForRoom(controller.signal);
    controller.abort();
    expect(await settled(waiting)).toBe(true);
  });

  it('waitForProgress resolves when a message is done', async () => {
    const gate = new PermitGate(4);
    gate.take(2);
    const waiting = gate.waitForProgress(60_000);
    gate.release();
    expect(await settled(waiting)).toBe(true);
  });
});
