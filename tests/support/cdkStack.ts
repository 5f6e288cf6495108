import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON, read by path in assertions.
export type Json = Record<string, any>;

/**
 * A minimal stack for one construct's test, in an app with cdk-nag's AWS Solutions checks as
 * infra/pejlemaerkeApp.ts adds them. Bundling is skipped unless asked for: most construct
 * tests need the template, not the code.
 */
export class NagTestStack {
  readonly app: App;
  readonly stack: Stack;
  private readonly outdir: string;

  constructor(options: { bundle?: boolean; id?: string } = {}) {
    this.outdir = mkdtempSync(join(tmpdir(), 'pejlemaerke-construct-'));
    // With bundling, each function records its asset folder (`aws:asset:path`) for the test to open.
    const context = options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] };
    this.app = new App({ outdir: this.outdir, context });
    this.stack = new Stack(this.app, options.id ?? 'ConstructTest', { env: { account: '123456789012', region: 'eu-north-1' } });
    Validations.of(this.app).addPlugins(new AwsSolutionsChecks(this.app, { writeSuppressionsToCloudFormation: true }));
  }

  /**
   * Synthesises the app. Throws with cdk-nag's report on an unacknowledged error, as `cdk synth`
   * does; warnings are in `openFindings`.
   */
  synth(): Synthesised {
    const assembly = this.app.synth();
    const template = Template.fromStack(this.stack);
    const reportFile = join(assembly.directory, 'validation-report.json');
    const report: Json = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    const nag = (report.pluginReports as Json[]).filter((r) => r.pluginName === 'AwsSolutions');
    const openFindings = nag.flatMap((r) => (r.violations as Json[]).filter((v) => !v.acknowledgedId).map((v) => String(v.ruleName)));
    return new Synthesised(this.stack, template, openFindings, assembly.directory);
  }

  dispose(): void {
    rmSync(this.outdir, { recursive: true, force: true });
  }
}

export class Synthesised {
  readonly resources: Record<string, Json>;

  constructor(
    readonly stack: Stack,
    readonly template: Template,
    /** AwsSolutions findings, warnings included, that nobody acknowledged. */
    readonly openFindings: string[],
    readonly assemblyDir: string,
  ) {
    this.resources = template.toJSON().Resources;
  }

  /** Logical id of a construct's CloudFormation resource (a Bucket, a Role, …). */
  logicalId(construct: { node: { defaultChild?: unknown } }): string {
    return this.stack.getLogicalId(construct.node.defaultChild as never);
  }

  ofType(type: string): [string, Json][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /** Every IAM statement attached to the grantee's role. */
  statementsOf(grantee: iam.IGrantable): Json[] {
    const role = this.logicalId(grantee.grantPrincipal as unknown as { node: { defaultChild?: unknown } });
    return this.ofType('AWS::IAM::Policy')
      .filter(([, p]) => asList(p.Properties.Roles as Json[]).some((r) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
  }

  /** The grantee's statements as `action resource` lines, sorted: the whole of what it may do. */
  permissionsOf(grantee: iam.IGrantable): string[] {
    const lines = new Set<string>();
    for (const s of this.statementsOf(grantee)) {
      for (const action of asList(s.Action as string | string[]))
        for (const resource of asList(s.Resource)) lines.add(`${s.Effect === 'Allow' ? '' : 'DENY '}${action} ${arnText(resource)}`);
    }
    return [...lines].sort();
  }

  /** The cdk-nag acknowledgements written into the template's metadata. */
  acknowledgements(): { resource: string; id: string; reason: string }[] {
    return Object.entries(this.resources).flatMap(([resource, r]) =>
      ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[]).map((a) => ({ resource, ...a })),
    );
  }
}

/**
 * An ARN as text: `Fn::GetAtt` as `<LogicalId.Arn>`, `Ref` as `<Id>` (pseudo parameters too),
 * joins concatenated, and the 8-hex suffix of logical ids dropped so expectations read plainly.
 */
export function arnText(value: unknown): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const o = node as Json;
    if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(visit).join(o['Fn::Join'][0]);
    if (o['Fn::GetAtt']) return `<${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}>`;
    if (o.Ref) return `<${o.Ref}>`;
    return JSON.stringify(node);
  };
  return visit(value).replace(/([A-Za-z])[0-9A-F]{8}\b/g, '$1');
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
