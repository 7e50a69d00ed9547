"""SimPy side of benchmarks/sim-vs-simpy.ts: an M/M/1 queue on SimPy 2.3, written as SimPy's manual
writes one (a Source process activating one Customer process per arrival; each customer requests the
server, holds it for an exponential service time and releases it).

Usage: python3 simpy_mm1.py CUSTOMERS UTILISATION SEED
Prints one JSON line: {"simpyVersion", "count" (customers served), "seconds", "meanResponse"}.
Times are in units of the mean service time (1).
"""
import json
import random
import sys
import time

import SimPy
from SimPy.Simulation import Process, Resource, Simulation, hold, release, request


def main():
    customers = int(sys.argv[1])
    rho = float(sys.argv[2])
    seed = int(sys.argv[3])
    rng = random.Random(seed)
    sim = Simulation()
    sim.initialize()
    server = Resource(capacity=1, name="server", sim=sim)
    done = [0, 0.0]

    class Customer(Process):
        def visit(self):
            arrived = self.sim.now()
            yield request, self, server
            yield hold, self, rng.expovariate(1.0)
            yield release, self, server
            done[0] += 1
            done[1] += self.sim.now() - arrived
            if done[0] >= customers:
                self.sim.stopSimulation()

    class Source(Process):
        def generate(self):
            while True:
                c = Customer(sim=self.sim)
                self.sim.activate(c, c.visit())
                yield hold, self, rng.expovariate(rho)

    source = Source(sim=sim)
    sim.activate(source, source.generate())
    start = time.perf_counter()
    sim.simulate(until=1e300)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "simpyVersion": getattr(SimPy, "__version__", "unknown"),
        "count": done[0],
        "seconds": seconds,
        "meanResponse": done[1] / done[0],
    }))


if __name__ == "__main__":
    main()
