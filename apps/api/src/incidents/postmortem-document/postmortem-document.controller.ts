import { Controller, Get, Header, Headers, HttpException, HttpStatus, Inject, Param } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  actionItemsByIncidentIds,
  findingsByIncidentIds,
  incidentsByIds,
  isOverdue,
  similarToIncidents,
  timelineByIncidentIds,
} from '@kb/read-models';
import { ApiKeyAuthenticator } from '../../auth/api-key.authenticator';
import { authorizeHttp } from '../../auth/http-authorization';
import { READ_MODEL_DATA_SOURCE } from '../../read-side/read-side.module';
import { renderPostmortem } from './postmortem-markdown';

/** Similar past incidents shown in the document, with their lessons. */
const SIMILAR_SHOWN = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /incidents/<id>/postmortem.md`: the incident as a postmortem document in Markdown (the Google
 * SRE template's sections; postmortem-markdown.ts), for VIEWER and above with the same bearer key as
 * GraphQL. A draft until the postmortem is published; it shows what the read models hold now.
 */
@Controller('incidents')
export class PostmortemDocumentController {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  @Get(':id/postmortem.md')
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  async postmortem(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
  ): Promise<string> {
    await authorizeHttp(this.authenticator, authorization, {
      role: 'VIEWER',
      what: 'read postmortems',
    });
    if (!UUID.test(id))
      throw new HttpException(
        {
          code: 'BAD_USER_INPUT',
          field: 'id',
          message: `id must be an incident's UUID, not '${id.slice(0, 60)}'.`,
        },
        HttpStatus.BAD_REQUEST,
      );
    const incident = (await incidentsByIds(this.dataSource, [id])).get(id);
    if (!incident)
      throw new HttpException(
        { code: 'NOT_FOUND', field: 'id', message: `There is no incident ${id}.` },
        HttpStatus.NOT_FOUND,
      );
    const [timeline, findings, actionItems, similar] = await Promise.all([
      timelineByIncidentIds(this.dataSource, [id]),
      findingsByIncidentIds(this.dataSource, [id]),
      actionItemsByIncidentIds(this.dataSource, [id]),
      similarToIncidents(this.dataSource, [id], SIMILAR_SHOWN),
    ]);
    const matches = similar.get(id) ?? [];
    const matchIds = matches.map((match) => match.incidentId);
    const [earlier, theirFindings] = await Promise.all([
      incidentsByIds(this.dataSource, matchIds),
      findingsByIncidentIds(this.dataSource, matchIds),
    ]);
    const now = new Date();
    return renderPostmortem({
      incident,
      timeline: timeline.get(id) ?? [],
      findings: findings.get(id) ?? [],
      actionItems: (actionItems.get(id) ?? []).map((item) => ({ ...item, overdue: isOverdue(item, now) })),
      similar: matches.flatMap((match) => {
        const other = earlier.get(match.incidentId);
        if (!other) return [];
        const lessons = (theirFindings.get(match.incidentId) ?? [])
          .filter((finding) => finding.kind === 'LESSON_LEARNED' && !finding.retracted)
          .map((finding) => finding.description);
        return [
          { id: other.id, title: other.title, startedAt: other.startedAt, reasons: match.reasons, lessons },
        ];
      }),
    });
  }
}
