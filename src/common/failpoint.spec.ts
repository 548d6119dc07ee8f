import { parseFailpoints } from './failpoint';
import { isDeadLocalHolder, newHolder, parseHolder } from './process-holder';

describe('failpoints', () => {
  it('reads name=action pairs, kill by default', () => {
    expect([...parseFailpoints('startup:archive, observations:staged=pause').entries()]).toEqual([
      ['startup:archive', 'kill'],
      ['observations:staged', 'pause'],
    ]);
    expect(parseFailpoints(undefined).size).toBe(0);
  });

  it('refuses an unknown failpoint or action, naming it', () => {
    expect(() => parseFailpoints('nowhere=kill')).toThrow(/unknown failpoint "nowhere"/);
    expect(() => parseFailpoints('startup:archive=explode')).toThrow(/unknown action "explode"/);
  });
});

describe('process holders', () => {
  it('names host, pid and a nonce, and reads them back', () => {
    const h = newHolder('replica-a');
    expect(parseHolder(h)).toEqual({ host: 'replica-a', pid: process.pid });
    expect(parseHolder('garbage')).toBeUndefined();
  });

  it('knows a dead process of this host, and never judges another host or itself', () => {
    // pid 2^22+1 is above Linux's pid_max default, so no process has it
    expect(isDeadLocalHolder('here:4194305:ab12', 'here')).toBe(true);
    expect(isDeadLocalHolder('elsewhere:4194305:ab12', 'here')).toBe(false);
    expect(isDeadLocalHolder(newHolder('here'), 'here')).toBe(false);
    expect(isDeadLocalHolder(null, 'here')).toBe(false);
  });
});
