export * from './incident-fact.entity';
export * from './incident-facts.projection';
