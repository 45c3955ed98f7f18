import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frame } from './frame.js';

test('the small map keeps the aspect ratio, y up, within its padding', () => {
  const { X, Y } = frame([0, 4, 0, 2], 100, 10);
  assert.deepEqual([X(0), X(4)], [10, 90]);
  assert.deepEqual([Y(0), Y(2)], [70, 30], 'one scale for both axes, centred');
});
