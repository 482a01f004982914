// The Learner Credential Wallet's requests, made as its source makes them:
//   node lcw.mjs LINK
// LINK is the one-step deep link (https://lcw.app/request?... or
// dccrequest://request?... with issuer, auth_type, challenge and
// vc_request_url) or the VC-API interaction URL (?iuv=1).
//
// One-step: the deep link's query is parsed, a DID Authentication
// presentation (createPresentation with holder, VC 1.1 context;
// signPresentation with Ed25519Signature2020 and the link's challenge, no
// domain) is POSTed as the bare body to vc_request_url, and the response
// is a credential or a presentation holding it.
// Interaction URL: GET with Accept application/json gives
// {"protocols": {"vcapi": URL}}; POST {} there gives a
// verifiablePresentationRequest; its DIDAuthentication query is answered
// with {"verifiablePresentation": VP} (challenge and domain from the
// request) at interact.service[0].serviceEndpoint; the response holds
// {"verifiablePresentation": {"verifiableCredential": [...]}}.
//
// Prints {"holder": DID, "credential": {...}, "jsVerification": {...}} on
// stdout: jsVerification is the JavaScript reference's check of the
// credential (verify.mjs).
import * as vc from '@digitalbazaar/vc';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import ed25519Context from 'ed25519-signature-2020-context';
import {done, fail, newHolder} from './holder.mjs';
import {verifyClaimed} from './verify.mjs';

const [link] = process.argv.slice(2);

// Offline contexts: the VC contexts vc ships and the suite context.
const documentLoader = async url => {
  if(url === ed25519Context.constants.CONTEXT_URL) {
    return {contextUrl: null, documentUrl: url, document: ed25519Context.contexts.get(url)};
  }
  return vc.defaultDocumentLoader(url);
};

async function didAuth(holder, challenge, domain) {
  const suite = new Ed25519Signature2020({key: holder.key});
  const presentation = vc.createPresentation({holder: holder.did, version: 1.0});
  return vc.signPresentation({presentation, suite, documentLoader, challenge, ...(domain ? {domain} : {})});
}

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {Accept: 'application/json', 'Content-Type': 'application/json'},
    body: JSON.stringify(body)
  });
  const text = await response.text();
  if(!response.ok) {
    throw new Error(`POST ${url}: ${response.status} ${text}`);
  }
  return JSON.parse(text);
}

// credentialsOf reads the credentials out of a response: a presentation
// (bare or under verifiablePresentation) or a credential.
function credentialsOf(json) {
  const vp = json.verifiablePresentation ?? json;
  if([].concat(vp.type ?? []).includes('VerifiablePresentation')) {
    return [].concat(vp.verifiableCredential ?? []);
  }
  return [json];
}

try {
  const holder = await newHolder();
  const params = new URLSearchParams(link.slice(link.indexOf('?') + 1));
  let credentials;
  if(params.get('iuv') === '1') {
    const response = await fetch(link, {headers: {Accept: 'application/json'}});
    if(!response.ok) {
      throw new Error(`GET ${link}: ${response.status} ${await response.text()}`);
    }
    const {protocols} = await response.json();
    if(!protocols?.vcapi) {
      throw new Error('no vcapi protocol in ' + JSON.stringify(protocols));
    }
    const {verifiablePresentationRequest: vpr} = await post(protocols.vcapi, {});
    const query = [].concat(vpr?.query ?? []);
    if(!query.some(q => q.type === 'DIDAuthentication')) {
      throw new Error('not a DIDAuthentication request: ' + JSON.stringify(vpr));
    }
    const endpoint = vpr.interact?.service?.[0]?.serviceEndpoint ?? protocols.vcapi;
    const verifiablePresentation = await didAuth(holder, vpr.challenge, vpr.domain);
    credentials = credentialsOf(await post(endpoint, {verifiablePresentation}));
  } else {
    const {issuer, vc_request_url, challenge, auth_type} = Object.fromEntries(params);
    if(issuer === undefined || vc_request_url === undefined) {
      throw new Error('not a credential request deep link: ' + link);
    }
    if(auth_type !== 'bearer') {
      throw new Error('unexpected auth_type ' + auth_type);
    }
    credentials = credentialsOf(await post(vc_request_url, await didAuth(holder, challenge)));
  }
  if(credentials.length !== 1) {
    throw new Error('expected one credential, got ' + JSON.stringify(credentials));
  }
  done({holder: holder.did, credential: credentials[0], jsVerification: await verifyClaimed(credentials[0])});
} catch(e) {
  fail(e);
}
