// The JavaScript reference's check of a claimed credential (issue #20: each
// claimed credential verifies in our Verify and in the JavaScript
// reference). The Go test passes, in the environment variable
// OPENBADGES_CONTEXTS, the path of a JSON file mapping each context URL to
// the context document embedded in the Go library (vc.EmbeddedContexts),
// as interop/js/run.mjs takes them. The document loader serves only those
// and did:key documents built from the DID itself: nothing is fetched.
//
// A Data Integrity credential (ldp_vc, and what the VC-API exchange
// returns) is verified with @digitalbazaar/vc's verifyCredential and the
// DataIntegrityProof suites eddsa-rdfc-2022 and ecdsa-rdfc-2019. A
// jwt_vc_json credential is a compact JWS: its signature is verified with
// jose against the public key of the did:key that its kid names.
//
// verifyClaimed returns {verified, format, error, ...}: for Data
// Integrity the proofs' cryptosuite and verificationMethod, for a JWS its
// alg, kid and iss.
import {readFileSync} from 'node:fs';
import {pathToFileURL} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as jose from 'jose';

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

function loadContexts() {
  const file = process.env.OPENBADGES_CONTEXTS;
  if(!file) {
    throw new Error('OPENBADGES_CONTEXTS is not set: the Go test passes the embedded contexts');
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

// didKeyDocument is the DID document of a did:key whose multibase value is
// a Multikey (Ed25519 z6Mk..., P-256 zDn..., P-384 z82...).
function didKeyDocument(did) {
  const mb = did.slice('did:key:'.length);
  const vmID = `${did}#${mb}`;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [{id: vmID, type: 'Multikey', controller: did, publicKeyMultibase: mb}],
    assertionMethod: [vmID],
    authentication: [vmID]
  };
}

function makeLoader(contexts) {
  return async url => {
    if(Object.hasOwn(contexts, url)) {
      return {contextUrl: null, documentUrl: url, document: contexts[url]};
    }
    const hash = url.indexOf('#');
    const base = hash < 0 ? url : url.slice(0, hash);
    if(base.startsWith('did:key:')) {
      const doc = didKeyDocument(base);
      if(hash < 0) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      const vm = doc.verificationMethod.find(m => m.id === url);
      if(vm) {
        return {contextUrl: null, documentUrl: url, document: {'@context': MULTIKEY_V1, ...vm}};
      }
    }
    throw new Error(`offline document loader: no document for ${url}`);
  };
}

function errorText(e) {
  if(!e) {
    return '';
  }
  if(Array.isArray(e)) {
    return e.map(errorText).join('; ');
  }
  if(e.errors) {
    return `${e.message}: ${errorText(e.errors)}`;
  }
  const event = e.details?.event;
  if(event?.code) {
    return `${e.message} (${event.code}: ${event.message})`;
  }
  return e.message || String(e);
}

async function verifyDataIntegrity(credential, documentLoader) {
  const proofs = [].concat(credential.proof ?? []);
  const res = {
    format: 'data-integrity',
    verified: false,
    proofs: proofs.map(p => ({type: p.type ?? '', cryptosuite: p.cryptosuite ?? '', verificationMethod: p.verificationMethod ?? ''}))
  };
  const suite = [eddsaRdfc2022, ecdsaRdfc2019].map(cryptosuite => new DataIntegrityProof({cryptosuite}));
  const r = await vc.verifyCredential({credential, suite, documentLoader});
  // verifyCredential is satisfied by any one proof of a set: every proof
  // must verify here.
  const results = r.results ?? [];
  res.verified = r.verified && proofs.length > 0 && results.length === proofs.length &&
    results.every(x => x.verified);
  if(!res.verified) {
    res.error = errorText(r.error) || errorText(results.filter(x => !x.verified).map(x => x.error)) ||
      `${results.length} results for ${proofs.length} proofs`;
  }
  return res;
}

// didKeyJWK is the public JWK of the did:key verification method kid.
async function didKeyJWK(kid) {
  if(!kid?.startsWith('did:key:')) {
    throw new Error(`kid ${kid} is not a did:key verification method`);
  }
  const did = kid.split('#')[0];
  const mb = did.slice('did:key:'.length);
  const key = {type: 'Multikey', id: `${did}#${mb}`, controller: did, publicKeyMultibase: mb};
  if(mb.startsWith('z6Mk')) {
    return Ed25519Multikey.toJwk({keyPair: await Ed25519Multikey.from(key)});
  }
  return EcdsaMultikey.toJwk({keyPair: await EcdsaMultikey.from(key)});
}

async function verifyJWS(jwt) {
  const res = {format: 'jws', verified: false};
  const header = jose.decodeProtectedHeader(jwt);
  res.alg = header.alg ?? '';
  res.kid = header.kid ?? '';
  res.typ = header.typ ?? '';
  const jwk = await didKeyJWK(header.kid);
  const key = await jose.importJWK(jwk, header.alg);
  const {payload} = await jose.compactVerify(jwt, key, {algorithms: ['EdDSA', 'Ed25519', 'ES256', 'ES384']});
  const claims = JSON.parse(new TextDecoder().decode(payload));
  res.iss = claims.iss ?? '';
  res.verified = true;
  return res;
}

export async function verifyClaimed(credential) {
  try {
    if(typeof credential === 'string') {
      return await verifyJWS(credential);
    }
    return await verifyDataIntegrity(credential, makeLoader(loadContexts()));
  } catch(e) {
    return {verified: false, error: errorText(e)};
  }
}

// Run as `node verify.mjs < credential.json` (a JSON object, or a JWT as a
// JSON string), it prints verifyClaimed's result: the Go test checks with
// it that a tampered credential is refused.
if(import.meta.url === pathToFileURL(process.argv[1]).href) {
  const chunks = [];
  for await (const c of process.stdin) {
    chunks.push(c);
  }
  const credential = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  process.stdout.write(JSON.stringify(await verifyClaimed(credential)) + '\n');
}
