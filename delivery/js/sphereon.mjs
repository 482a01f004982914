// @sphereon/oid4vci-client claims a badge: node sphereon.mjs OFFER_LINK FORMAT
// (FORMAT ldp_vc or jwt_vc_json). The OpenID4VCI 1.0 pre-authorized code
// flow as the client runs it: the offer (by value or by reference), the
// issuer and authorization server metadata, the token endpoint, the nonce
// endpoint and the credential endpoint with a jwt key proof by a did:key.
// Prints {"holder": DID, "credential": ..., "jsVerification": {...}} on
// stdout: jsVerification is the JavaScript reference's check of the
// credential (verify.mjs).
import {OpenID4VCIClientV1_0_15} from '@sphereon/oid4vci-client';
import {done, fail, newHolder, signJWT} from './holder.mjs';
import {verifyClaimed} from './verify.mjs';

const [link, format] = process.argv.slice(2);
try {
  const holder = await newHolder();
  const client = await OpenID4VCIClientV1_0_15.fromURI({uri: link, kid: holder.kid, alg: 'EdDSA', retrieveServerMetadata: true});
  await client.acquireAccessToken();
  const [configurationId] = client.getCredentialOfferConfigurationIds();
  const response = await client.acquireCredentials({
    credentialConfigurationId: configurationId,
    format,
    kid: holder.kid,
    alg: 'EdDSA',
    proofCallbacks: {signCallback: async jwt => signJWT(holder, jwt.header, jwt.payload)}
  });
  const credentials = response.credentials ?? (response.credential ? [{credential: response.credential}] : []);
  if(credentials.length !== 1) {
    throw new Error('expected one credential, got ' + JSON.stringify(response));
  }
  const credential = credentials[0].credential;
  done({holder: holder.did, configurationId, credential, jsVerification: await verifyClaimed(credential)});
} catch(e) {
  fail(e);
}
