export * from './action-item-version.entity';
export * from './action-item-history.projection';
