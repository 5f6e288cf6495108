import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { nagResource } from './nagResource.ts';

/** What a grantee may do with the objects under one key prefix. */
export type PrefixAccess = 'read' | 'write' | 'readWrite';

/** The store lock's prefix (functions/store/store.ts `keys.lock`): the one place DeleteObject is granted. */
export const LOCK_PREFIX = 'locks/';

const ACTIONS: Record<PrefixAccess | 'lock', string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  readWrite: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
  // Its holder releases the lock; no stage deletes data.
  lock: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
};

/**
 * Object access under one key prefix of a bucket, for the constructs to build their `grant…`
 * methods on: named actions only (no `s3:Get*`), and DeleteObject only as `lock` on `locks/`.
 * ListBucket is on the bucket without a prefix condition, because S3 answers a missing key with
 * 404 only to a caller that may list, and the stores' `tryGet`/`exists` rely on that 404. The
 * prefix wildcard is what cdk-nag's IAM5 flags; the caller knows why the keys under it cannot be
 * named at deploy time and says so in `reason`, which is recorded as the acknowledgement.
 */
export function grantPrefixAccess(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string, access: PrefixAccess | 'lock', reason: string): iam.Grant {
  if (access === 'lock' && prefix !== LOCK_PREFIX) throw new Error(`DeleteObject is granted on ${LOCK_PREFIX} only (the store lock), not on ${prefix}`);
  if (!prefix.endsWith('/')) throw new Error(`A key prefix ends with "/": ${prefix}`);
  const objects = bucket.arnForObjects(`${prefix}*`);
  const grant = iam.Grant.addToPrincipal({ grantee, actions: ACTIONS[access], resourceArns: [objects] }).combine(
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket', 's3:GetBucketLocation'], resourceArns: [bucket.bucketArn] }),
  );
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) {
    Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagResource(principal, objects)}]`, reason });
  }
  return grant;
}
