import { ReportFile } from './report-file.entity';
import { ReportTransition } from './report-transition.entity';
import { Report } from './report.entity';

export { Report, ReportFile, ReportTransition };
export const EMISSIONS_ENTITIES = [Report, ReportFile, ReportTransition];
