import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LRU, thumbnailCache, GIVE_UP } from './thumbnails.js';

test('the LRU forgets the least recently used entry, and a get counts as a use', () => {
  const lru = new LRU(2);
  lru.set(1, 'a'); lru.set(2, 'b');
  assert.equal(lru.get(1), 'a');  // 2 is now the oldest
  lru.set(3, 'c');
  assert.deepEqual([lru.get(1), lru.get(2), lru.get(3), lru.size], ['a', undefined, 'c', 2]);
  lru.set(1, 'A');  // a set again replaces, and is a use
  lru.set(4, 'd');
  assert.deepEqual([lru.get(1), lru.get(3), lru.get(4)], ['A', undefined, 'd']);
});

test('a thumbnail is loaded once however often it is asked for, then held', async () => {
  /** @type {number[]} */
  const asked = [];
  const thumbs = thumbnailCache(async i => { asked.push(i); return `image ${i}`; }, 2);
  assert.equal(thumbs.held(7), undefined);
  const [a, b] = await Promise.all([thumbs.get(7), thumbs.get(7)]);
  assert.deepEqual([a, b, thumbs.held(7)], ['image 7', 'image 7', 'image 7']);
  await thumbs.get(7);
  assert.deepEqual(asked, [7]);
  await thumbs.get(8); await thumbs.get(9);  // two kept: 7 is forgotten
  assert.equal(thumbs.held(7), undefined);
  await thumbs.get(7);
  assert.deepEqual(asked, [7, 8, 9, 7]);
});

test('a failed load gives null, is asked again later, and GIVE_UP failures in a row stop the asking', async () => {
  let calls = 0, up = true;
  const thumbs = thumbnailCache(async i => {
    calls++;
    if (!up) throw new Error('offline');
    return i === 1 ? null : `image ${i}`;  // 1: the server said 404
  });
  assert.equal(await thumbs.get(1), null);
  assert.equal(thumbs.held(1), undefined);
  assert.equal(await thumbs.get(2), 'image 2');  // a success resets the count
  up = false;
  for (let k = 0; k < GIVE_UP; k++) assert.equal(await thumbs.get(10 + k), null);
  assert.ok(thumbs.gaveUp());
  const before = calls;
  assert.equal(await thumbs.get(99), null);
  assert.equal(calls, before, 'nothing is asked once it gave up');
  assert.equal(await thumbs.get(2), 'image 2', 'what it holds it still gives');
});
