import { describe, expect, it } from 'vitest';
import { Resource, Simulation } from '../../src/sim/index.ts';

describe('Resource', () => {
  it('serves one request at a time in arrival order when it has one server', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 1, name: 'disk' });
    const trace: string[] = [];
    const submit = (label: string, serviceMs: number) =>
      disk.request(serviceMs, (startMs, endMs) => trace.push(`${label} ${startMs}-${endMs}`));
    submit('a', 10);
    submit('b', 5);
    submit('c', 1);
    expect(disk.busyServers).toBe(1);
    expect(disk.queueLength).toBe(2);
    sim.run();
    expect(trace).toEqual(['a 0-10', 'b 10-15', 'c 15-16']);
  });

  it('runs up to `servers` requests at once and queues the rest FIFO', () => {
    const sim = new Simulation();
    const cpu = new Resource(sim, { servers: 2 });
    const trace: string[] = [];
    for (const [label, serviceMs] of [['a', 10], ['b', 4], ['c', 3], ['d', 3]] as const) {
      cpu.request(serviceMs, (startMs, endMs) => trace.push(`${label} ${startMs}-${endMs}`));
    }
    sim.run();
    // c takes b's server at 4, d takes c's at 7; a holds the other server throughout.
    expect(trace).toEqual(['b 0-4', 'c 4-7', 'a 0-10', 'd 7-10']);
  });

  it('lets a request already waiting go before one submitted from a completion callback', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 1 });
    const order: string[] = [];
    disk.request(1, () => {
      order.push('a');
      disk.request(1, () => order.push('resubmitted'));
    });
    disk.request(1, () => order.push('b'));
    sim.run();
    expect(order).toEqual(['a', 'b', 'resubmitted']);
  });

  it('calls onStart when a request takes a server', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 1 });
    const starts: number[] = [];
    disk.request(3, () => {}, (startMs) => starts.push(startMs));
    disk.request(3, () => {}, (startMs) => starts.push(startMs));
    expect(starts).toEqual([0]);
    sim.run();
    expect(starts).toEqual([0, 3]);
  });

  it('withdraws a waiting request on cancel(), but not one already in service', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 1 });
    const done: string[] = [];
    const a = disk.request(5, () => done.push('a'));
    const b = disk.request(5, () => done.push('b'));
    disk.request(5, (startMs) => done.push(`c@${startMs}`));
    expect(disk.cancel(a)).toBe(false);
    expect(disk.cancel(b)).toBe(true);
    expect(disk.cancel(b)).toBe(false);
    expect(disk.queueLength).toBe(1);
    sim.run();
    expect(done).toEqual(['a', 'c@5']);
  });

  it('keeps FIFO order while its queue grows past the initial ring size, with cancellations', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 1 });
    const done: number[] = [];
    const tickets = Array.from({ length: 100 }, (_, i) => disk.request(1, () => done.push(i)));
    for (let i = 10; i < 100; i += 10) disk.cancel(tickets[i]);
    sim.run();
    expect(done).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i === 0 || i % 10 !== 0));
    expect(sim.nowMs).toBe(91);
  });

  it('measures utilisation, mean queue length, mean wait and the longest queue over virtual time', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 2 });
    // Three 10 ms requests at t=0 on two servers: busy 2 servers for 10 ms, then 1 for 10 ms; one request
    // waits 10 ms. Observed over [0, 40): busy 30 of 80 server-ms.
    for (let i = 0; i < 3; i++) disk.request(10, () => {});
    sim.run(40);
    expect(disk.busyTimeMs()).toBe(30);
    expect(disk.utilisation()).toBeCloseTo(30 / 80, 12);
    expect(disk.meanQueueLength()).toBeCloseTo(10 / 40, 12);
    expect(disk.meanInSystem()).toBeCloseTo((10 + 30) / 40, 12);
    expect(disk.meanWaitMs()).toBeCloseTo(10 / 3, 12);
    expect(disk.maxQueueLength).toBe(1);
    expect(disk.completed).toBe(3);
  });

  it('restarts its statistics at resetStats() without touching the requests in progress', () => {
    const sim = new Simulation();
    const disk = new Resource(sim, { servers: 1 });
    disk.request(10, () => {});
    sim.run(5);
    disk.resetStats();
    sim.run(20);
    expect(disk.busyTimeMs()).toBe(5);
    expect(disk.utilisation()).toBeCloseTo(5 / 15, 12);
    expect(disk.completed).toBe(1);
    expect(disk.started).toBe(0);
  });

  it('rejects a server count that is not a positive integer, naming the option', () => {
    const sim = new Simulation();
    expect(() => new Resource(sim, { servers: 0, name: 'disk' })).toThrow(
      'disk.servers must be a positive integer, got 0',
    );
    expect(() => new Resource(sim, { servers: 1.5 })).toThrow('resource.servers must be a positive integer, got 1.5');
  });
});
