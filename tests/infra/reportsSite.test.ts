import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataLake } from '../../infra/constructs/dataLake.ts';
import { ReportsSite } from '../../infra/constructs/reportsSite.ts';
import { arnText, NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';

let open: NagTestStack;
let closed: NagTestStack;
let openOut: Synthesised;
let closedOut: Synthesised;
let openSite: ReportsSite;
let closedSite: ReportsSite;

beforeAll(() => {
  open = new NagTestStack({ id: 'OpenSite' });
  const openLake = new DataLake(open.stack, 'DataLake');
  openSite = new ReportsSite(open.stack, 'Site', { bucket: openLake.reports, logBucket: openLake.accessLogs });
  openOut = open.synth();

  closed = new NagTestStack({ id: 'ClosedSite' });
  const closedLake = new DataLake(closed.stack, 'DataLake');
  closedSite = new ReportsSite(closed.stack, 'Site', {
    bucket: closedLake.reports,
    logBucket: closedLake.accessLogs,
    allowedCidrs: ['193.163.32.0/24'],
    previewAllowedCidrs: ['10.20.0.0/16'],
    domain: { name: 'rapporter.testkommune.dk', certificateArn: CERTIFICATE },
  });
  closedOut = closed.synth();
});

afterAll(() => {
  open?.dispose();
  closed?.dispose();
});

const distribution = (out: Synthesised): Json => out.ofType('AWS::CloudFront::Distribution')[0]![1].Properties.DistributionConfig;
const functionCode = (out: Synthesised, comment: RegExp): string =>
  out.ofType('AWS::CloudFront::Function').find(([, f]) => comment.test(f.Properties.FunctionConfig.Comment))![1].Properties.FunctionCode;

describe('the distribution', () => {
  it('reads the private bucket only through Origin Access Control, serving reports/ at the root', () => {
    openOut.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    openOut.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    const d = distribution(openOut);
    expect(d.Origins.map((o: Json) => o.OriginPath ?? '')).toEqual(['/reports', '']);
    for (const origin of d.Origins) expect(origin).toMatchObject({ OriginAccessControlId: expect.anything(), S3OriginConfig: { OriginAccessIdentity: '' } });
  });

  it('lets CloudFront, and only this distribution, read the reports bucket', () => {
    const [reports] = openOut.ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('DataLakeReports'))!;
    const [, policy] = openOut.ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === reports)!;
    const allows = (policy.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(arnText(allows[0]!.Resource)).toBe('<DataLakeReports.Arn>/*');
    expect(arnText(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toBe(
      'arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<SiteDistribution>',
    );
  });

  it('is HTTPS only, read only, compressed, with security headers and a short cache so /latest/ follows', () => {
    const d = distribution(openOut);
    expect(d.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
    expect(d.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: expect.anything() }]);
    openOut.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ DefaultTTL: 300, MinTTL: 0, MaxTTL: 3600 }),
    });
    const [, headers] = openOut.ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true });
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain("object-src 'none'");
    // Embeds are meant to be framed by the municipality's pages.
    expect(security.FrameOptions).toBeUndefined();
    expect(d.Logging).toMatchObject({ Prefix: 'cloudfront/', Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^DataLakeAccessLogs/), 'RegionalDomainName'] } });
  });

  it('never caches previews, and keeps them closed unless networks are allowed', () => {
    const previews = distribution(openOut).CacheBehaviors.find((b: Json) => b.PathPattern === 'previews/*');
    expect(previews).toMatchObject({ CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', ViewerProtocolPolicy: 'redirect-to-https' });
    expect(functionCode(openOut, /udkast/)).toContain('var NETWORKS = [];\nvar CLOSED_WHEN_EMPTY = true;');
    expect(functionCode(openOut, /kvartal/)).toContain('var NETWORKS = [];\nvar CLOSED_WHEN_EMPTY = false;');
    expect(distribution(openOut).IPV6Enabled).toBe(true);
  });

  it('with allow-lists: checks the networks in the functions and switches IPv6 off so every viewer is checked', () => {
    const d = distribution(closedOut);
    expect(d.IPV6Enabled).toBe(false);
    expect(functionCode(closedOut, /kvartal/)).toContain(`var NETWORKS = ${JSON.stringify([[3248693248, 3248693503]])};`);
    expect(functionCode(closedOut, /udkast/)).toContain(`var NETWORKS = ${JSON.stringify([[169082880, 169148415]])};`);
  });

  it('serves the municipality’s own domain with TLS 1.2 (2021), or *.cloudfront.net without one', () => {
    expect(distribution(closedOut)).toMatchObject({
      Aliases: ['rapporter.testkommune.dk'],
      ViewerCertificate: { AcmCertificateArn: CERTIFICATE, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    });
    expect(closedSite.url).toBe('https://rapporter.testkommune.dk');
    expect(openOut.stack.resolve(openSite.url)).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [openOut.logicalId(openSite.distribution), 'DomainName'] }]],
    });
  });
});

describe('cdk-nag', () => {
  it('has no open finding in either configuration, warnings included', () => {
    expect(openOut.openFindings).toEqual([]);
    expect(closedOut.openFindings).toEqual([]);
  });

  it('acknowledges CFR1 and CFR2 with the reasons, and CFR4 only for the cloudfront.net certificate', () => {
    const ids = (out: Synthesised, site: ReportsSite) =>
      out
        .acknowledgements()
        .filter((a) => a.resource === out.logicalId(site.distribution))
        .map((a) => a.id)
        .sort();
    expect(ids(openOut, openSite)).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4']);
    expect(ids(closedOut, closedSite)).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2']);
  });
});
