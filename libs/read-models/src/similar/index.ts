export * from './similar-incidents.query';
export * from './similar-ranking';
