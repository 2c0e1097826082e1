import { Module } from '@nestjs/common';
import { SearchResolver } from './search.resolver';

/** Full-text search over incidents, findings, timelines and action items. */
@Module({ providers: [SearchResolver] })
export class SearchModule {}
