export * from './command-context';
export * from './command-executor';
export * from './deterministic-id';
export * from './event-metadata';
export * from './event-sourcing.module';
export * from './stream-write';
