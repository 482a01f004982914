// @digitalbazaar/oid4-client claims a badge: node oid4-client.mjs OFFER_LINK FORMAT
// (FORMAT ldp_vc or jwt_vc_json), as the library's README runs the
// pre-authorized code flow: getCredentialOffer (by value or by reference),
// OID4Client.fromCredentialOffer (issuer discovery and the token request),
// getNonce, then requestCredentials with a did:key and its signer (a jwt
// key proof). The holder key is an Ed25519 Multikey
// (@digitalbazaar/ed25519-multikey), whose signer names its algorithm as
// the client needs to choose the JWS alg. Prints {"holder": DID,
// "credential": ..., "jsVerification": ...} on stdout; on failure, the
// error chain (with the server's response) on stderr.
import {OID4Client, getCredentialOffer} from '@digitalbazaar/oid4-client';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {done, fail} from './holder.mjs';
import {verifyClaimed} from './verify.mjs';

const [link, format] = process.argv.slice(2);
try {
  const key = await Ed25519Multikey.generate();
  const did = 'did:key:' + key.publicKeyMultibase;
  key.controller = did;
  key.id = did + '#' + key.publicKeyMultibase;
  const offer = await getCredentialOffer({url: link});
  const client = await OID4Client.fromCredentialOffer({offer, supportedFormats: [format]});
  const {nonce} = await client.getNonce();
  const result = await client.requestCredentials({format, nonce, did, didProofSigner: key.signer()});
  const credentials = result.credentials ?? [result.credential];
  if(credentials.length !== 1) {
    throw new Error('expected one credential, got ' + JSON.stringify(result));
  }
  const credential = credentials[0]?.credential ?? credentials[0];
  done({holder: did, credential, jsVerification: await verifyClaimed(credential)});
} catch(e) {
  fail(e);
}
