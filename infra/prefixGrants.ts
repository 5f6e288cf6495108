import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export type PrefixAccess = 'read' | 'write' | 'readWrite' | 'lock';

const ACTIONS: Record<PrefixAccess, string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  readWrite: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
  // The store lock is the one object anything deletes: its holder releases it.
  lock: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
};

/**
 * Object access under one key prefix, with named actions only (no `s3:Get*`) and never
 * DeleteObject outside `locks/`: no stage deletes data. ListBucket is on the bucket without a prefix
 * condition, because S3 answers a missing key with 404 only to a caller that may list, and the
 * stores' `tryGet`/`exists` rely on that 404. The prefix wildcard is the one cdk-nag flags; it
 * is acknowledged here, where the reason is known.
 */
export function grantPrefix(role: iam.Role, bucket: s3.Bucket, prefix: string, access: PrefixAccess): void {
  const objects = bucket.arnForObjects(`${prefix}*`);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ACTIONS[access], resources: [objects] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucket.bucketArn] }));
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
    reason: `Object keys under ${prefix} are created per delivery, snapshot or quarter and are not known at deploy time; access is limited to that prefix with named actions.`,
  });
}
