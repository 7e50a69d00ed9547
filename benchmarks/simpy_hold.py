"""SimPy side of benchmarks/sim-vs-simpy.ts: the classic hold model on SimPy 2.3.

The hold model (Vaucher & Duval 1975; Jones 1986, "An empirical comparison of priority-queue and
event-set implementations") keeps a fixed number of pending events: each event, when it fires,
schedules one new event at now + an exponential delay. Here each pending event is a SimPy process
looping on `yield hold`, the idiomatic SimPy form of the same model.

Usage: python3 simpy_hold.py PENDING EVENTS SEED
Prints one JSON line: {"simpyVersion", "pending", "count" (events fired), "seconds"}.
"""
import json
import random
import sys
import time

import SimPy
from SimPy.Simulation import Simulation, Process, hold


def main():
    pending = int(sys.argv[1])
    target = int(sys.argv[2])
    seed = int(sys.argv[3])
    rng = random.Random(seed)
    sim = Simulation()
    sim.initialize()
    fired = [0]

    class Holder(Process):
        def run(self):
            expovariate = rng.expovariate
            while True:
                # Mean delay 1 time unit, as on the TypeScript side (1 ms).
                yield hold, self, expovariate(1.0)
                fired[0] += 1
                if fired[0] >= target:
                    sim.stopSimulation()

    for i in range(pending):
        holder = Holder(name="h", sim=sim)
        # Start each process at a random time so the heap starts in the same state as the TS side.
        sim.activate(holder, holder.run(), delay=rng.expovariate(1.0))

    start = time.perf_counter()
    sim.simulate(until=1e300)
    seconds = time.perf_counter() - start
    # The `pending` activations are events too: count them as the TS side counts its first events.
    events = fired[0] + pending
    print(json.dumps({
        "simpyVersion": getattr(SimPy, "__version__", "unknown"),
        "pending": pending,
        "count": events,
        "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
