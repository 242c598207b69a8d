import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  timeToPosition, positionToTime, createPlaybackClock, createLiveQueue, sparklinePath, eventsInWindow, SPEEDS, historyStart,
} from '../js/timeline.js';

const range = { oldest: 1000, newest: 11000 };

test('time and position map both ways and clamp to the range', () => {
  assert.equal(timeToPosition(1000, range), 0);
  assert.equal(timeToPosition(6000, range), 0.5);
  assert.equal(timeToPosition(11000, range), 1);
  assert.equal(timeToPosition(0, range), 0);
  assert.equal(timeToPosition(99999, range), 1);
  assert.equal(positionToTime(0.25, range), 3500);
  assert.equal(positionToTime(-1, range), 1000);
  assert.equal(positionToTime(2, range), 11000);
  for (const t of [1000, 4321, 11000]) assert.equal(positionToTime(timeToPosition(t, range), range), t);
});

test('an empty range puts everything at the live end', () => {
  assert.equal(timeToPosition(5, { oldest: 5, newest: 5 }), 1);
  assert.equal(positionToTime(0.3, { oldest: 5, newest: 5 }), 5);
});

test('the playback clock advances at its speed only while playing', () => {
  let wall = 0;
  const clock = createPlaybackClock({ now: () => wall });
  clock.seek(1000);
  wall = 500;
  assert.equal(clock.time(), 1000);
  clock.play();
  wall = 1500;
  assert.equal(clock.time(), 2000);
  clock.setSpeed(60);
  wall = 2500;
  assert.equal(clock.time(), 62000);
  clock.pause();
  wall = 9000;
  assert.equal(clock.time(), 62000);
  assert.throws(() => clock.setSpeed(3), RangeError);
  assert.deepEqual(SPEEDS, [1, 2, 5, 10, 30, 60]);
});

test('the playback clock stops at the present', () => {
  let wall = 0;
  const clock = createPlaybackClock({ now: () => wall, limit: () => 5000 });
  clock.seek(4000);
  clock.setSpeed(10);
  clock.play();
  assert.equal(clock.atLimit(), false);
  wall = 1000;
  assert.equal(clock.time(), 5000);
  assert.equal(clock.atLimit(), true);
});

test('the live queue holds updates in order and drops them all past its limit', () => {
  const q = createLiveQueue(3);
  q.push(1); q.push(2); q.push(3);
  assert.deepEqual(q.peek(), [1, 2, 3], 'peek leaves them held');
  assert.deepEqual(q.take(), { updates: [1, 2, 3], overflowed: false });
  assert.equal(q.size, 0);
  for (let i = 0; i < 5; i++) q.push(i);
  assert.equal(q.overflowed, true);
  assert.equal(q.size, 0);
  assert.deepEqual(q.take(), { updates: [], overflowed: true });
  q.push(7);
  assert.deepEqual(q.take(), { updates: [7], overflowed: false });
});

test('sparkline paths span the box and skip missing values', () => {
  assert.equal(sparklinePath([], 100, 20), '');
  assert.equal(sparklinePath([{ time: 0, avg: 1 }, { time: 10, avg: 3 }, { time: 5, avg: null }], 100, 20), 'M0.0,20.0L100.0,0.0');
  assert.equal(sparklinePath([{ time: 0, avg: 2 }], 100, 20), 'M100.0,10.0');
});

test('events are kept inside the window only', () => {
  const list = [
    { id: 'a', timestamp: '2026-01-01T00:00:00Z' },
    { id: 'b', timestamp: '2026-01-01T00:01:00Z' },
    { id: 'c', timestamp: 'garbage' },
  ];
  const since = Date.parse('2026-01-01T00:00:30Z');
  assert.deepEqual(eventsInWindow(list, since, since + 60000).map((e) => e.id), ['b']);
});

test('the scrubber starts where history does, else at page load', () => {
  const loaded = Date.parse('2026-12-06T12:00:00Z');
  assert.equal(historyStart({ oldest_time: '2026-12-01T08:30:00.250Z', oldest_revision: 7 }, loaded), Date.parse('2026-12-01T08:30:00.250Z'));
  // Nothing recorded yet, or no history at all (the route answered 503).
  assert.equal(historyStart({ oldest_time: null, oldest_revision: null }, loaded), loaded);
  assert.equal(historyStart(null, loaded), loaded);
  assert.equal(historyStart({ oldest_time: 'soon' }, loaded), loaded);
  // A clock skewed ahead of the server never starts the range after now.
  assert.equal(historyStart({ oldest_time: '2027-01-01T00:00:00Z' }, loaded), loaded);
});
