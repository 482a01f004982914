// A wallet's holder key: an Ed25519 did:key, as the Learner Credential
// Wallet and most OpenID4VCI wallets create it.
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';

export async function newHolder() {
  const key = await Ed25519VerificationKey2020.generate();
  const did = 'did:key:' + key.fingerprint();
  key.controller = did;
  key.id = did + '#' + key.fingerprint();
  return {did, kid: key.id, key, signer: key.signer()};
}

// signJWT signs a compact JWS with the holder key (EdDSA).
export async function signJWT(holder, header, payload) {
  const enc = o => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = enc(header) + '.' + enc(payload);
  const sig = await holder.signer.sign({data: new TextEncoder().encode(input)});
  return input + '.' + Buffer.from(sig).toString('base64url');
}

// done prints the result for the Go test and exits; fail reports an error.
export function done(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

export function fail(err) {
  console.error(err?.stack || String(err));
  let c = err?.cause;
  while(c) {
    console.error('cause:', c?.stack || c, c?.data ? JSON.stringify(c.data) : '', c?.status ?? '');
    c = c.cause;
  }
  process.exit(1);
}
