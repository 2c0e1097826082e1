export * from './search-document.entity';
export * from './search.projection';
export * from './search.query';
export { parseSearchQuery } from './search-query.parser';
