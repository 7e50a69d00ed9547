/**
 * The discrete-event simulation kernel (docs/DESIGN.md section 2, "Time"): a virtual clock, a pending-event set
 * (a ladder queue) ordered by time then scheduling order, and FIFO multi-server resources. It knows nothing about search;
 * the cluster model is built on top of it.
 */
export { EventHeap } from './eventHeap.ts';
export { LadderQueue } from './ladderQueue.ts';
export { Simulation } from './simulation.ts';
export type { Clock, DrivenClock } from './clock.ts';
export type { ArgCallback, EventCallback, EventHandle } from './simulation.ts';
export { Resource } from './resource.ts';
export type { RequestTicket, ResourceOptions, ServiceDone, ServiceStart } from './resource.ts';
