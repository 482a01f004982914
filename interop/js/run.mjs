// Cross-implementation driver for interop/interop_test.go.
//
// Usage: node run.mjs verify|issue|canon|sd < request.json > response.json
//
// The request is one JSON object on stdin; the response one JSON object on
// stdout. Every request carries "contexts" (URL -> JSON-LD context document,
// the contexts embedded in the Go library) and may carry "documents" (URL ->
// DID document). The document loader serves only those, plus did:key
// documents built from the DID itself: nothing is fetched, so a context the
// Go side did not send is an error here too.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {
  createConfirmCryptosuite as ecdsaSd2023Confirm,
  createDiscloseCryptosuite as ecdsaSd2023Disclose,
  createSignCryptosuite as ecdsaSd2023Sign,
  createVerifyCryptosuite as ecdsaSd2023Verify,
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import jsonld from 'jsonld';

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

const cryptosuites = {
  'eddsa-rdfc-2022': eddsaRdfc2022,
  'ecdsa-rdfc-2019': ecdsaRdfc2019,
};

// The verifier's ecdsa-sd-2023 cryptosuite: it verifies derived proofs only
// (a base proof is the holder's, checked with the confirm cryptosuite in
// sd mode).
const verifySuites = {
  ...cryptosuites,
  'ecdsa-sd-2023': ecdsaSd2023Verify(),
};

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) {
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// didKeyDocument returns the DID document of a did:key whose multibase value
// is a Multikey (Ed25519 z6Mk..., P-256 zDn..., P-384 z82...), as the did:key
// method defines it: one Multikey verification method named by the
// multibase value, under assertionMethod and authentication.
function didKeyDocument(did) {
  const mb = did.slice('did:key:'.length);
  const vmID = `${did}#${mb}`;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [{
      id: vmID, type: 'Multikey', controller: did, publicKeyMultibase: mb,
    }],
    assertionMethod: [vmID],
    authentication: [vmID],
  };
}

function makeLoader(contexts, documents) {
  const controllerDoc = url => {
    if(url.startsWith('did:key:')) {
      return didKeyDocument(url);
    }
    return documents[url];
  };
  return async url => {
    if(Object.hasOwn(contexts, url)) {
      return {contextUrl: null, documentUrl: url, document: contexts[url]};
    }
    const hash = url.indexOf('#');
    const base = hash < 0 ? url : url.slice(0, hash);
    const doc = controllerDoc(base);
    if(doc) {
      if(hash < 0) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      // A verification method: dereference the fragment in its controller
      // document (absolute or relative id).
      const frag = url.slice(hash);
      const vm = (doc.verificationMethod || []).find(
        m => m.id === url || m.id === frag);
      if(vm) {
        return {
          contextUrl: null, documentUrl: url,
          document: {'@context': MULTIKEY_V1, ...vm, id: url},
        };
      }
    }
    throw new Error(`offline document loader: no document for ${url}`);
  };
}

function suites() {
  return Object.values(verifySuites).map(
    cryptosuite => new DataIntegrityProof({cryptosuite}));
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
  // jsonld.js safe mode names the event that failed it.
  const event = e.details && e.details.event;
  if(event && event.code) {
    return `${e.message} (${event.code}: ${event.message})`;
  }
  return e.message || String(e);
}

function proofsOf(credential) {
  const p = credential.proof;
  if(p === undefined) {
    return [];
  }
  return Array.isArray(p) ? p : [p];
}

// verifyChained verifies one proof that names previousProof as VC Data
// Integrity 1.0 (section 4.3, Verify Proof) says: the proofs it names are part
// of the secured document it signs. @digitalbazaar/data-integrity 2.5.0 does
// not implement that step (it always hashes the document without any proof),
// so the document is assembled here and the library's own
// DataIntegrityProof.verifyProof (key dereference, canonicalization,
// signature) and the credential's proof purpose check the rest.
async function verifyChained({credential, proof, documentLoader, now}) {
  const all = proofsOf(credential);
  const ids = Array.isArray(proof.previousProof) ?
    proof.previousProof : [proof.previousProof];
  const previous = ids.map(id => all.find(p => p.id === id));
  if(previous.some(p => !p)) {
    return {verified: false, error: `previousProof ${ids} not in the proof set`};
  }
  const cryptosuite = cryptosuites[proof.cryptosuite];
  if(!cryptosuite) {
    return {verified: false, error: `unsupported cryptosuite ${proof.cryptosuite}`};
  }
  const suite = new DataIntegrityProof({cryptosuite});
  const {proof: _all, ...unsecured} = credential;
  const document = {
    ...unsecured, proof: previous.length === 1 ? previous[0] : previous,
  };
  const r = await suite.verifyProof(
    {proof, proofSet: previous, document, documentLoader});
  if(!r.verified) {
    return {verified: false, error: errorText(r.error)};
  }
  const purpose = new vc.CredentialIssuancePurpose({date: now});
  const pr = await purpose.validate(proof, {
    document: credential, suite, verificationMethod: r.verificationMethod,
    documentLoader,
  });
  if(!pr.valid) {
    return {verified: false, error: errorText(pr.error)};
  }
  return {verified: true};
}

// verify: {credentials: [{name, credential}], now} -> {results: [{name,
// verified, proofs: [{index, id, cryptosuite, verified, chained, error}],
// error}]}. A credential verifies only when @digitalbazaar/vc's
// verifyCredential accepts it and every proof in it verifies (the library
// alone is satisfied by any one proof of a set).
async function verify(req, documentLoader) {
  const results = [];
  for(const {name, credential} of req.credentials) {
    const res = {name, verified: false, proofs: []};
    try {
      const all = proofsOf(credential);
      const lib = await vc.verifyCredential({
        credential, suite: suites(), documentLoader, now: req.now,
      });
      // The library's result for a proof, matched by content (ignoring an
      // @context a library may have added).
      const strip = p => {
        const {'@context': _c, ...q} = p || {};
        return JSON.stringify(q);
      };
      const libResult = proof => (lib.results || []).find(
        r => strip(r.proof) === strip(proof));
      for(const [index, proof] of all.entries()) {
        const pr = {
          index, id: proof.id || '', cryptosuite: proof.cryptosuite || '',
          verified: false, chained: proof.previousProof !== undefined,
        };
        const r = libResult(proof);
        pr.libraryVerified = Boolean(r && r.verified);
        if(pr.chained) {
          const c = await verifyChained(
            {credential, proof, documentLoader, now: req.now});
          pr.verified = c.verified;
          pr.error = c.error || '';
        } else if(r) {
          pr.verified = r.verified;
          pr.error = errorText(r.error);
        } else {
          pr.error = 'no result for this proof from verifyCredential';
        }
        res.proofs.push(pr);
      }
      // verifyCredential is satisfied by any one proof of a set (and
      // cannot verify a chained proof): the credential verifies here only
      // when it passes and every proof verified above.
      res.verified = lib.verified && all.length > 0 &&
        res.proofs.every(p => p.verified);
      res.libraryVerified = lib.verified;
      if(!res.verified) {
        res.error = (lib.verified ? '' : errorText(lib.error)) ||
          res.proofs.filter(p => !p.verified).map(
            p => `proof ${p.index}: ${p.error}`).join('; ');
      }
    } catch(e) {
      res.error = errorText(e);
    }
    results.push(res);
  }
  return {results};
}

async function keyPair({jwk, id, controller}) {
  if(jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return Ed25519Multikey.fromJwk({jwk, secretKey: true, id, controller});
  }
  return EcdsaMultikey.fromJwk({jwk, secretKey: true, id, controller});
}

// issue: {keys: {name: {jwk, id, controller}}, jobs: [{name, key,
// cryptosuite, created, credential | previous}], now} -> {results: [{name,
// credential, publicKeyMultibase, error}]}. A job with "previous" signs the
// output of that earlier job again: a proof set.
async function issue(req, documentLoader) {
  const keys = {};
  for(const [name, k] of Object.entries(req.keys)) {
    keys[name] = await keyPair(k);
  }
  const results = [];
  const done = {};
  for(const job of req.jobs) {
    const res = {name: job.name};
    done[job.name] = res;
    try {
      const credential = job.previous === undefined ? job.credential :
        structuredClone(done[job.previous].credential);
      const kp = keys[job.key];
      const exported = await kp.export({publicKey: true});
      res.publicKeyMultibase = exported.publicKeyMultibase;
      const suite = new DataIntegrityProof({
        signer: kp.signer(), date: job.created,
        cryptosuite: cryptosuites[job.cryptosuite],
      });
      res.credential = await vc.issue({
        credential, suite, documentLoader, now: req.now,
      });
    } catch(e) {
      res.error = errorText(e);
    }
    results.push(res);
  }
  return {results};
}

// canon: {documents: [{name, document, hash}]} -> {results: [{name, nquads,
// error}]}: jsonld.canonize in safe mode with no base IRI, as the RDFC
// cryptosuites canonicalize, with RDFC-1.0's hash SHA-256 or SHA-384.
async function canon(req, documentLoader) {
  const results = [];
  for(const {name, document, hash} of req.documents) {
    const res = {name};
    try {
      res.nquads = await jsonld.canonize(document, {
        format: 'application/n-quads',
        safe: true,
        base: null,
        documentLoader,
        canonizeOptions: {
          algorithm: 'RDFC-1.0',
          messageDigestAlgorithm: hash || 'SHA-256',
        },
      });
    } catch(e) {
      res.error = errorText(e);
    }
    results.push(res);
  }
  return {results};
}

// sd: ecdsa-sd-2023 with @digitalbazaar/ecdsa-sd-2023-cryptosuite.
// {keys: {name: {jwk, id, controller}}, jobs: [...], now} -> {results:
// [{name, credential, publicKeyMultibase, verified, error, ...}]}, one result
// per job, in order. A job's input is its "credential", or the output of the
// earlier job named by "from". Ops:
//   sign:    vc.issue with a base proof (createSignCryptosuite with the
//            job's mandatoryPointers) by the job's key at "created";
//   derive:  vc.derive (createDiscloseCryptosuite with selectivePointers);
//   confirm: the holder's check of a base proof (verifyCredential with
//            createConfirmCryptosuite);
//   verify:  the verify mode above (createVerifyCryptosuite: derived
//            proofs), its result's fields copied.
async function sd(req, documentLoader) {
  const keys = {};
  for(const [name, k] of Object.entries(req.keys || {})) {
    keys[name] = await keyPair(k);
  }
  const results = [];
  const done = {};
  for(const job of req.jobs) {
    const res = {name: job.name};
    done[job.name] = res;
    try {
      let credential = job.credential;
      if(job.from !== undefined) {
        const prev = done[job.from];
        if(!prev || !prev.credential) {
          throw new Error(`job ${job.from} gave no credential`);
        }
        credential = structuredClone(prev.credential);
      }
      switch(job.op) {
        case 'sign': {
          const kp = keys[job.key];
          const exported = await kp.export({publicKey: true});
          res.publicKeyMultibase = exported.publicKeyMultibase;
          const suite = new DataIntegrityProof({
            signer: kp.signer(), date: job.created,
            cryptosuite: ecdsaSd2023Sign(
              {mandatoryPointers: job.mandatoryPointers || []}),
          });
          res.credential = await vc.issue({
            credential, suite, documentLoader, now: req.now,
          });
          break;
        }
        case 'derive': {
          const suite = new DataIntegrityProof({
            cryptosuite: ecdsaSd2023Disclose(
              {selectivePointers: job.selectivePointers || []}),
          });
          res.credential = await vc.derive({
            verifiableCredential: credential, suite, documentLoader,
          });
          break;
        }
        case 'confirm': {
          const suite = new DataIntegrityProof(
            {cryptosuite: ecdsaSd2023Confirm()});
          const r = await vc.verifyCredential({
            credential, suite, documentLoader, now: req.now,
          });
          res.verified = r.verified;
          res.error = r.verified ? '' : errorText(r.error);
          break;
        }
        case 'verify': {
          const {results: [r]} = await verify(
            {credentials: [{name: job.name, credential}], now: req.now},
            documentLoader);
          Object.assign(res, r);
          break;
        }
        default:
          throw new Error(`unknown op ${job.op}`);
      }
    } catch(e) {
      res.error = errorText(e);
    }
    results.push(res);
  }
  return {results};
}

const modes = {verify, issue, canon, sd};

async function main() {
  const mode = process.argv[2];
  if(!Object.hasOwn(modes, mode)) {
    process.stderr.write('usage: node run.mjs verify|issue|canon|sd < request.json\n');
    process.exit(2);
  }
  const req = await readStdin();
  const loader = makeLoader(req.contexts || {}, req.documents || {});
  const out = await modes[mode](req, loader);
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => {
  process.stderr.write(`run.mjs: ${e.stack || e}\n`);
  process.exit(1);
});
