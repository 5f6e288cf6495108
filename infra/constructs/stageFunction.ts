import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The runtime every stage runs on; esbuild targets the same Node version. */
export const STAGE_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

export interface StageFunctionProps {
  /** Absolute path of the handler module (functions/lambda/<stage>.ts). */
  entry: string;
  /** Project root: the lock file and the folders copied into the asset live here. */
  projectRoot: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  architecture: lambda.Architecture;
  /** Packages left out of the bundle because afterBundling copies them in (native modules). */
  externalModules?: string[];
  /** esbuild `define`: identifiers replaced at bundling, e.g. CommonJS globals an ES module lacks. */
  define?: Record<string, string>;
  /** Shell commands run after esbuild, with the asset folder as `outputDir`. */
  afterBundling?: (inputDir: string, outputDir: string) => string[];
  reservedConcurrentExecutions?: number;
  ephemeralStorageMiB?: number;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * One pipeline stage as a Lambda: bundled locally by esbuild (never Docker), ESM, JSON logs
 * into its own log group, and a role of its own that starts with only that log group; the
 * stack grants each stage exactly the data it touches.
 */
export class StageFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StageFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Pejlemærke ${id}: only what this stage reads and writes`,
    });
    this.logGroup.grantWrite(this.role);

    const hooks: ICommandHooks = {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: props.afterBundling ?? (() => []),
    };
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: STAGE_RUNTIME,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorageMiB ? Size.mebibytes(props.ephemeralStorageMiB) : undefined,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: true,
        // Our pinned SDK versions, not whatever the runtime ships with.
        bundleAwsSDK: true,
        externalModules: props.externalModules ?? [],
        define: props.define,
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner: "import { createRequire as __pejlemaerkeRequire } from 'node:module'; const require = __pejlemaerkeRequire(import.meta.url);",
        commandHooks: hooks,
      },
    });
  }
}
