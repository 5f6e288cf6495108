import { createHash } from 'node:crypto';

/**
 * SSH host key fingerprints in OpenSSH's own format, `SHA256:` + unpadded base64 of the SHA-256
 * of the public key blob: what `ssh-keygen -lf key.pub` and `ssh` itself print, so an operator
 * can compare what the server's administrator reads out with what we pin.
 */
export function hostKeyFingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** 32 bytes in base64 without padding are 43 characters. */
const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;

export const FINGERPRINT_HINT = 'skriv SHA256:… som `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` viser det på serveren';

/** A pinned fingerprint as written by a person; undefined when it is not one. */
export function parseFingerprint(text: string): string | undefined {
  const match = FINGERPRINT.exec(text.trim());
  return match ? `SHA256:${match[1]}` : undefined;
}

export function isFingerprint(text: string): boolean {
  return parseFingerprint(text) !== undefined;
}
