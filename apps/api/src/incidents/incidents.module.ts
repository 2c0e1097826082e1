import { Module } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { AddTimelineEntryHandler } from './add-timeline-entry/add-timeline-entry.handler';
import { LinkIncidentsHandler } from './link-incidents/link-incidents.handler';
import { PublishPostmortemHandler } from './publish-postmortem/publish-postmortem.handler';
import { RecordFindingHandler } from './record-finding/record-finding.handler';
import { RecordMilestoneHandler } from './record-milestone/record-milestone.handler';
import { ReopenIncidentHandler } from './reopen-incident/reopen-incident.handler';
import { ReportIncidentHandler } from './report-incident/report-incident.handler';
import { RetractFindingHandler } from './retract-finding/retract-finding.handler';
import { ReviseFindingHandler } from './revise-finding/revise-finding.handler';
import { ReviseIncidentHandler } from './revise-incident/revise-incident.handler';

/** The incident stream's commands: the incident, its timeline, findings, links and postmortem. */
@Module({
  imports: [EventSourcingModule],
  providers: [
    ReportIncidentHandler,
    ReviseIncidentHandler,
    RecordMilestoneHandler,
    ReopenIncidentHandler,
    AddTimelineEntryHandler,
    RecordFindingHandler,
    ReviseFindingHandler,
    RetractFindingHandler,
    LinkIncidentsHandler,
    PublishPostmortemHandler,
  ],
})
export class IncidentsModule {}
