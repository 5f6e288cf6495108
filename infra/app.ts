import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { loadDeploymentConfig } from './config.ts';
import { addPejlemaerke } from './pejlemaerkeApp.ts';

/**
 * `cdk synth|deploy -c config=infra/config/<kommune>.yaml`: read the deployment config and
 * build the app. Nothing else happens here.
 */
const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const app = new App();
const configPath = String(app.node.tryGetContext('config') ?? 'infra/config/demo.yaml');
const commit = process.env.PEJLEMAERKE_COMMIT;
addPejlemaerke(app, loadDeploymentConfig(configPath, projectRoot, commit ? { commit } : {}), projectRoot);
app.synth();
