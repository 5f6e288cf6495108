import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { reportsRoutingCode } from '../reportsRouting.ts';
import { PREVIEWS_PREFIX, REPORTS_PREFIX } from './dataLake.ts';

export interface ReportsSiteProps {
  /** The private bucket publish writes `reports/<quarter>/…`, `reports/latest/…` and `previews/…` into. */
  readonly bucket: s3.IBucket;
  /** Where CloudFront's access logs go (under `cloudfront/`); it must accept ACL writes. */
  readonly logBucket: s3.IBucket;
  /**
   * Only these IPv4 networks may read the reports.
   * @default anyone with the link
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Only these IPv4 networks may open previews (`/previews/…`).
   * @default nobody: staff open drafts with `aws s3 presign`
   */
  readonly previewAllowedCidrs?: readonly string[];
  /**
   * The municipality's own name for the site, with its ACM certificate in us-east-1.
   * @default the distribution's `*.cloudfront.net` name
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
}

/**
 * The committee's link: CloudFront in front of the private reports bucket through Origin
 * Access Control, HTTPS only, with security headers and access logs. URLs are stable:
 * `/<quarter>/` never changes once published, `/latest/` follows the newest report.
 */
export class ReportsSite extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>` without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ReportsSiteProps) {
    super(scope, id);
    const allowList = props.allowedCidrs ?? [];
    const routing = new cloudfront.Function(this, 'Routing', {
      comment: 'Pejlemærke: /<kvartal>/ → index.html, / → kvartalsoversigten, valgfri IP-liste',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(reportsRoutingCode(allowList)),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Pejlemærke: sikkerhedsheadere for rapporterne',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        // Reports are static files with inline CSS and SVG and no script; no third-party origin.
        // Framing stays allowed: the per-KPI embeds exist to be shown on the municipality's pages.
        contentSecurityPolicy: {
          contentSecurityPolicy:
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'",
          override: true,
        },
      },
    });
    // A quarter's report never changes, but latest/ moves: a short TTL keeps it fresh.
    const cache = new cloudfront.CachePolicy(this, 'Cache', {
      comment: 'Pejlemærke: korte cachetider, så /latest/ følger med',
      defaultTtl: Duration.minutes(5),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.hours(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // Previews are drafts nobody has approved: never cached, and only for the preview allow-list.
    const previewRouting = new cloudfront.Function(this, 'PreviewRouting', {
      comment: 'Pejlemærke: udkast kun for godkendte netværk',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(reportsRoutingCode(props.previewAllowedCidrs ?? [], { closedWhenEmpty: true })),
    });

    // One Origin Access Control for both origins: CloudFront signs every request to the bucket.
    const access = new cloudfront.S3OriginAccessControl(this, 'OriginAccess', { signing: cloudfront.Signing.SIGV4_ALWAYS });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Pejlemærke: kvartalsrapporter',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(props.bucket, {
          originPath: `/${REPORTS_PREFIX.replace(/\/$/, '')}`,
          originAccessControl: access,
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cache,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: {
        [`${PREVIEWS_PREFIX}*`]: {
          origin: origins.S3BucketOrigin.withOriginAccessControl(props.bucket, { originAccessControl: access }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: headers,
          functionAssociations: [{ function: previewRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
      // An allow-list is IPv4 only, so viewers must come over IPv4 for it to hold.
      enableIpv6: allowList.length === 0 && (props.previewAllowedCidrs ?? []).length === 0,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: props.domain ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      domainNames: props.domain ? [props.domain.name] : undefined,
      certificate: props.domain ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn) : undefined,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose security policy CloudFront fixes; set reports.domain in the config to enforce TLSv1.2_2021.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Committee members read the reports while travelling too; the reports hold only disclosure-controlled aggregates. Access is limited by the optional IP allow-list instead (docs/aws.md).',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'A static, read-only site of aggregated numbers with no forms or API; a CloudFront WAF must live in us-east-1 and costs more than the risk. The IP allow-list runs in the CloudFront Function (docs/aws.md).',
    });
    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
  }
}
