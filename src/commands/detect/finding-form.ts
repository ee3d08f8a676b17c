import type { ChalkInstance } from 'chalk';
import { UsageError } from '../../errors.js';
import { toAsff } from '../../detect/asff.js';
import { toOcsfFinding } from '../../detect/finding-ocsf.js';
import type { Finding } from '../../detect/finding.js';
import { isRegionName, type FindingPlace } from '../../detect/finding-place.js';
import { formatFinding, type FindingLayout } from './finding-pretty.js';

/** What `detect -o` names. */
export type FindingOutput = 'pretty' | 'ocsf' | 'asff';
export const FINDING_OUTPUTS: readonly FindingOutput[] = ['pretty', 'ocsf', 'asff'];

/** The text of one finding in the form asked for: a block at a terminal, one JSON document a line otherwise. */
export function findingForm(
  output: FindingOutput,
  options: { chalk: ChalkInstance; layout?: FindingLayout; place: FindingPlace; now: () => Date },
): (finding: Finding) => string {
  const { place } = options;
  if (output === 'pretty') return (finding) => formatFinding(finding, options.chalk, options.layout);
  if (output === 'ocsf') return (finding) => `${JSON.stringify(toOcsfFinding(finding, place))}\n`;
  const { region, accountId } = place;
  if (!region || !accountId) {
    const missing = [!accountId && 'account', !region && 'region'].filter(Boolean).join(' and ');
    throw new UsageError(
      `-o asff needs the ${missing} the database is in, for each finding's AwsAccountId and ProductArn: not known here`,
      'Name the database by its ARN (--cluster arn:aws:rds:…), or give --account-id and --region.',
    );
  }
  if (!isRegionName(region))
    throw new UsageError(
      `-o asff needs an AWS region such as us-east-1 for each finding's ProductArn, not ${JSON.stringify(region)}`,
      'Give --region a region name, or name the database by its ARN (--cluster arn:aws:rds:…).',
    );
  return (finding) => `${JSON.stringify(toAsff(finding, { ...place, region, accountId }, options.now()))}\n`;
}
