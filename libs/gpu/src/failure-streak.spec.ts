import { FailureStreak } from './failure-streak.js';

describe('FailureStreak', () => {
  it('logs a repeating failure at 1, 2, 4 … 64 repeats, then every 64th', () => {
    const streak = new FailureStreak();
    const logged = Array.from({ length: 200 }, () => streak.failed('recover: ECONNREFUSED')).filter((answer) => answer.log).map((answer) => answer.repeats);
    expect(logged).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 192]);
  });

  it('starts again for another failure, and says how long a streak was when it ends', () => {
    const streak = new FailureStreak();
    streak.failed('a');
    streak.failed('a');
    expect(streak.failed('b')).toEqual({ log: true, repeats: 1 });
    expect(streak.succeeded()).toBe(1);
    expect(streak.succeeded()).toBe(0);
    expect(streak.failed('b')).toEqual({ log: true, repeats: 1 });
  });
});
