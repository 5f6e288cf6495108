import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
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
  readonly entry: string;
  /** Project root: the lock file and the folders copied into the asset live here. */
  readonly projectRoot: string;
  readonly description: string;
  /** Each stage sizes its own: DuckDB, Athena polling and Chromium need very different memory. */
  readonly memorySize: number;
  readonly timeout: Duration;
  /**
   * Variables besides NODE_OPTIONS (source maps).
   * @default none
   */
  readonly environment?: Record<string, string>;
  /**
   * ARM64 is cheaper; a stage that carries a linux-x64 native build says X86_64.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Packages left out of the bundle because afterBundling copies them in (native modules).
   * @default none
   */
  readonly externalModules?: readonly string[];
  /**
   * esbuild `define`: identifiers replaced at bundling, e.g. CommonJS globals an ES module lacks.
   * @default none
   */
  readonly define?: Record<string, string>;
  /**
   * Shell commands run after esbuild, with the asset folder as `outputDir`.
   * @default none
   */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
  /** @default 512 MiB, Lambda's own */
  readonly ephemeralStorageMiB?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack goes.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One pipeline stage as a Lambda: bundled locally by esbuild (never Docker), ESM, JSON logs
 * into its own log group, and a role of its own that starts with only that log group. It is a
 * grantee: the constructs that own the data grant it exactly what it touches. It reserves no
 * concurrency: a new account's quota of 10 refuses any reservation, and cdk deploy must work there.
 */
export class StageFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: StageFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Pejlemærke ${id}: only what this stage reads and writes`,
    });
    this.grantPrincipal = this.role;
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
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorageMiB ? Size.mebibytes(props.ephemeralStorageMiB) : undefined,
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
        externalModules: [...(props.externalModules ?? [])],
        define: props.define,
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner: "import { createRequire as __pejlemaerkeRequire } from 'node:module'; const require = __pejlemaerkeRequire(import.meta.url);",
        commandHooks: hooks,
      },
    });
  }
}
