// @digitalbazaar/oid4-client claims a badge: node oid4-client.mjs OFFER_LINK FORMAT
// (FORMAT ldp_vc or jwt_vc_json), as the library's README runs the
// pre-authorized code flow: getCredentialOffer (by value or by reference),
// OID4Client.fromCredentialOffer (issuer discovery and the token request),
// getNonce, then requestCredentials with a did:key and its signer (a jwt
// key proof). Prints {"holder": DID, "credential": ...} on stdout; on
// failure, the error chain (with the server's response) on stderr.
import {OID4Client, getCredentialOffer} from '@digitalbazaar/oid4-client';
import {done, fail, newHolder} from './holder.mjs';

const [link, format] = process.argv.slice(2);
try {
  const holder = await newHolder();
  const offer = await getCredentialOffer({url: link});
  const client = await OID4Client.fromCredentialOffer({offer, supportedFormats: [format]});
  const {nonce} = await client.getNonce();
  const didProofSigner = holder.key.signer();
  const result = await client.requestCredentials({format, nonce, did: holder.did, didProofSigner});
  const credentials = result.credentials ?? [result.credential];
  if(credentials.length !== 1) {
    throw new Error('expected one credential, got ' + JSON.stringify(result));
  }
  done({holder: holder.did, credential: credentials[0]});
} catch(e) {
  fail(e);
}
