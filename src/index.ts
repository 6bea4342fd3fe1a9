export { UserBehaviorProducer, type RunOptions, type ProducerExtras } from './producer.ts';
export {
  DEFAULTS,
  resolveConfig,
  type ProducerConfig,
  type ProducerOptions,
  type SinkKind,
  type Acks,
  type Compression,
} from './config/options.ts';
export { UBPError, type ErrorCode } from './errors.ts';
export { toEvent, type UserEvent } from './events/event.ts';
export { EventSerializer } from './events/serialize.ts';
export type { MetricsSnapshot } from './metrics/metrics.ts';
export { EVENT_TYPES, EVENT_WEIGHTS, type EventType } from './model/event-types.ts';
export { SEGMENTS, type Segment } from './model/segments.ts';
export { PINNED, defaultJourneyTransitions, type JourneyTransitions } from './model/journey.ts';
export type { EventRecord } from './model/activity.ts';
export { ENTITY_STREAMS, type EntityStream } from './entities/records.ts';
export { Simulation, type ModelOptions } from './model/simulation.ts';
export type { Sink, DeliveryListener } from './sinks/sink.ts';
export type { Logger } from './logger.ts';
