import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkMunicipalityConfig, type DeploymentConfig } from './config.ts';
import { PejlemaerkeStack } from './pejlemaerkeStack.ts';

/** Adds one municipality's stack and the cdk-nag AWS Solutions checks to an app. */
export function addPejlemaerke(app: App, config: DeploymentConfig, projectRoot: string): PejlemaerkeStack {
  checkMunicipalityConfig(config.municipalityConfig, projectRoot);
  const stack = new PejlemaerkeStack(app, `Pejlemaerke-${config.municipality}`, {
    config,
    projectRoot,
    env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
    description: `Pejlemærke for ${config.municipality}: kvartalsvis opfølgning (S3, Athena, Lambda, Step Functions, CloudFront)`,
    tags: { project: 'pejlemaerke', municipality: config.municipality },
  });
  // Acknowledgements also go into the template's Metadata: an audit trail for security review.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return stack;
}
