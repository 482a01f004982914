package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func issueFixture(t *testing.T, alg string, multikey bool) (keyPath, credPath string, k *did.Key) {
	t.Helper()
	var err error
	if alg == "Ed25519" {
		k, err = did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	} else {
		k, err = did.GenerateKey(alg, nil)
	}
	require.NoError(t, err)
	var kb []byte
	if multikey {
		kb, err = k.MarshalMultikey()
	} else {
		kb, err = k.MarshalJWK()
	}
	require.NoError(t, err)
	dir := t.TempDir()
	keyPath = filepath.Join(dir, "key.json")
	require.NoError(t, os.WriteFile(keyPath, kb, 0o600))
	issuer := k.Controller
	if issuer == "" {
		issuer = "https://example.edu/issuers/1"
	}
	cred := `{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "id": "urn:uuid:0b3e7ad2-1b51-4c1c-9b43-1e6b8d4c8a10",
  "type": ["VerifiableCredential"],
  "issuer": "` + issuer + `",
  "validFrom": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:learner"}
}
`
	credPath = filepath.Join(dir, "cred.json")
	require.NoError(t, os.WriteFile(credPath, []byte(cred), 0o600))
	return keyPath, credPath, k
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestIssueDataIntegrity(t *testing.T) {
	for _, tt := range []struct {
		alg, suite string
		multikey   bool
	}{
		{"Ed25519", "", true}, {"Ed25519", "eddsa-rdfc-2022", false}, {"P-256", "ecdsa-rdfc-2019", true}, {"P-384", "", false},
	} {
		t.Run(tt.alg+" "+tt.suite, func(t *testing.T) {
			keyPath, credPath, _ := issueFixture(t, tt.alg, tt.multikey)
			args := []string{"issue", "--key", keyPath, "--created", "2024-02-03T04:05:06Z", credPath}
			if tt.suite != "" {
				args = append(args[:1], append([]string{"--suite", tt.suite}, args[1:]...)...)
			}
			code, out, errOut := runCmd(args...)
			require.Equal(t, 0, code, errOut)
			in, err := os.ReadFile(credPath)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(out, strings.TrimRight(string(in), "}\n")), "output is the input plus a proof")
			c, err := vc.Parse([]byte(out))
			require.NoError(t, err)
			res, err := (&proof.Verifier{}).VerifyProofs(context.Background(), c)
			require.NoError(t, err)
			assert.Equal(t, "2024-02-03T04:05:06Z", res[0].Created.Format(time.RFC3339))
		})
	}
}

func TestIssueJWT(t *testing.T) {
	for _, alg := range []string{"Ed25519", "P-256", "P-384", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			keyPath, credPath, _ := issueFixture(t, alg, false)
			args := []string{"issue", "--key", keyPath, "--format", "jwt"}
			if alg == "RS256" {
				// Its id is a thumbprint: nothing names its controller.
				code, out, errOut := runCmd(append(args, credPath)...)
				require.Equal(t, exitInvalid, code, out)
				assert.Contains(t, errOut, "--controller")
				args = append(args, "--controller", "https://example.edu/issuers/1")
			}
			code, out, errOut := runCmd(append(args, credPath)...)
			require.Equal(t, 0, code, errOut)
			token := strings.TrimSpace(out)
			assert.Equal(t, 2, strings.Count(token, "."))
			v := &proof.Verifier{InsecureEmbeddedJWK: alg == "RS256"}
			_, _, err := v.VerifyJWT(context.Background(), token)
			require.NoError(t, err)
		})
	}
}

func TestIssueRefusesBadInput(t *testing.T) {
	keyPath, credPath, _ := issueFixture(t, "Ed25519", true)
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(s), 0o600))
		return p
	}
	in, err := os.ReadFile(credPath)
	require.NoError(t, err)
	undefined := write("undefined.json", strings.Replace(string(in), `"validFrom"`, `"fooBar": 1, "validFrom"`, 1))
	unknownCtx := write("ctx.json", strings.Replace(string(in), `["https://www.w3.org/ns/credentials/v2"]`, `["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]`, 1))
	invalid := write("invalid.json", `{"@context": `)

	for _, tt := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"undefined term", []string{"--key", keyPath, undefined}, 1, "not defined"},
		{"undefined term jwt", []string{"--key", keyPath, "--format", "jwt", undefined}, 1, "not defined"},
		{"unknown context", []string{"--key", keyPath, unknownCtx}, 1, "https://evil.example/ctx"},
		{"invalid JSON", []string{"--key", keyPath, invalid}, 1, "invalid"},
		{"suite does not fit key", []string{"--key", keyPath, "--suite", "ecdsa-rdfc-2019", credPath}, 1, "ecdsa-rdfc-2019"},
		{"Ed25519Signature2020 needs its context", []string{"--key", keyPath, "--suite", "Ed25519Signature2020", credPath}, 1, "ed25519-2020"},
		{"missing key file", []string{"--key", filepath.Join(dir, "nope"), credPath}, 1, "reading key"},
		{"no key", []string{credPath}, 2, "--key"},
		{"no file", []string{"--key", keyPath}, 2, "FILE"},
		{"bad format", []string{"--key", keyPath, "--format", "xml", credPath}, 2, "--format"},
		{"bad suite", []string{"--key", keyPath, "--suite", "eddsa-2022", credPath}, 2, "--suite"},
		{"bad alg", []string{"--key", keyPath, "--format", "jwt", "--alg", "HS256", credPath}, 2, "--alg"},
		{"alg with di", []string{"--key", keyPath, "--alg", "EdDSA", credPath}, 2, "--alg"},
		{"bad created", []string{"--key", keyPath, "--created", "yesterday", credPath}, 2, "--created"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(append([]string{"issue"}, tt.args...)...)
			assert.Equal(t, tt.code, code, errOut)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tt.msg)
		})
	}
	t.Run("help", func(t *testing.T) {
		code, out, _ := runCmd("issue", "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "--key KEYFILE")
	})
	t.Run("stdin", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run(context.Background(), &env{stdin: bytes.NewReader(in), stdout: &out, stderr: &errb}, []string{"issue", "--key", keyPath, "-"})
		require.Equal(t, 0, code, errb.String())
		assert.Contains(t, out.String(), `"proof"`)
	})
}

// sampleIssueFixture writes an Ed25519 key file and returns it with its
// controller and a writer of credentials made from the embedded sample badge
// (issued by the key's controller, valid from 2024) after edit.
func sampleIssueFixture(t *testing.T) (keyPath, controller string, write func(name string, edit func(string) string) string) {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	kb, err := k.MarshalJWK()
	require.NoError(t, err)
	dir := t.TempDir()
	keyPath = filepath.Join(dir, "key.json")
	require.NoError(t, os.WriteFile(keyPath, kb, 0o600))
	sample, err := os.ReadFile("sample/badge.json")
	require.NoError(t, err)
	base := strings.NewReplacer(`"ISSUER"`, `"`+k.Controller+`"`, `"VALID_FROM"`, `"2024-01-01T00:00:00Z"`).Replace(string(sample))
	write = func(name string, edit func(string) string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(edit(base)), 0o600))
		return p
	}
	return keyPath, k.Controller, write
}

func same(s string) string { return s }

// What issue signs, verify accepts: the CLI issues through badge.Issuer.
func TestIssueSignsWhatVerifyAccepts(t *testing.T) {
	keyPath, _, write := sampleIssueFixture(t)
	cred := write("badge.json", same)
	for _, format := range []string{"di", "jwt"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "issue", "--key", keyPath, "--format", format, cred)
			require.Equal(t, exitOK, code, errOut)
			signed := filepath.Join(t.TempDir(), "signed")
			require.NoError(t, os.WriteFile(signed, []byte(out), 0o600))
			code, report, _ := runCLI(t, "", "verify", "--offline", signed)
			assert.Equal(t, exitOK, code, report)
		})
	}
}

// issue refuses, before signing and with exit 1, every credential verify
// would refuse for the reasons badge.Issuer checks, and lists each problem
// on a line of its own with its JSON path.
func TestIssueRefusesWhatVerifyWouldRefuse(t *testing.T) {
	keyPath, controller, write := sampleIssueFixture(t)
	noCriteria := func(s string) string {
		i := strings.Index(s, `"criteria"`)
		j := strings.Index(s[i:], "},") + i + 2
		return s[:i] + s[j:]
	}
	otherIssuer := func(s string) string { return strings.Replace(s, controller, "https://evil.example/issuer", 1) }
	expired := func(s string) string {
		return strings.Replace(s, `"validFrom"`, `"validUntil": "2025-01-01T00:00:00Z", "validFrom"`, 1)
	}
	vc11Expired := func(s string) string {
		s = strings.Replace(s, "https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1", 1)
		s = strings.Replace(s, "context-3.0.3.json", "context-3.0.1.json", 1)
		return strings.Replace(s, `"validFrom": "2024-01-01T00:00:00Z"`, `"issuanceDate": "2024-01-01T00:00:00Z", "expirationDate": "2025-01-01T00:00:00Z"`, 1)
	}
	withProof := func(s string) string {
		return strings.Replace(s, `"validFrom"`, `"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "`+controller+`#k", "proofValue": "z1"}, "validFrom"`, 1)
	}
	all := func(s string) string { return expired(otherIssuer(noCriteria(s))) }
	for _, tt := range []struct {
		name  string
		edit  func(string) string
		flags []string
		lines []string // each problem, by JSON path
	}{
		{"achievement without criteria", noCriteria, nil, []string{"$.credentialSubject.achievement.criteria: required"}},
		{"achievement without criteria as a JWT", noCriteria, []string{"--format", "jwt"}, []string{"$.credentialSubject.achievement.criteria: required"}},
		{"issuer not the key's controller", otherIssuer, nil, []string{`$.issuer.id: issuer "https://evil.example/issuer" is not the controller`}},
		{"issuer not the key's controller as a JWT", otherIssuer, []string{"--format", "jwt"}, []string{`$.issuer.id: issuer "https://evil.example/issuer" is not the controller`}},
		{"validUntil already past", expired, nil, []string{"$.validUntil: vc: credential expired: 2025-01-01T00:00:00Z is already past", "--allow-expired"}},
		{"VC 1.1 expirationDate already past", vc11Expired, nil, []string{"$.expirationDate: vc: credential expired: 2025-01-01T00:00:00Z is already past"}},
		{"a proof already there", withProof, nil, []string{"$.proof: "}},
		{"every problem at once", all, nil, []string{"$.credentialSubject.achievement.criteria: ", "$.issuer.id: ", "$.validUntil: ", "refused before signing, 3 problems; nothing was signed"}},
		{"every problem but expiry with --allow-expired", all, []string{"--allow-expired"}, []string{"$.credentialSubject.achievement.criteria: ", "$.issuer.id: ", "refused before signing, 2 problems"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cred := write(strings.ReplaceAll(tt.name, " ", "-")+".json", tt.edit)
			code, out, errOut := runCLI(t, "", append(append([]string{"issue", "--key", keyPath}, tt.flags...), cred)...)
			assert.Equal(t, exitInvalid, code, errOut)
			assert.Empty(t, out, "nothing signed")
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			for _, want := range tt.lines {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, "openbadges issue: ") && strings.Contains(l, want)
				}
				assert.True(t, found, "no line with %q in\n%s", want, errOut)
			}
		})
	}
}

// --allow-expired signs an expired credential (a test fixture, here with a
// proof made in its validity period), and verify then refuses it for its
// validity period only.
func TestIssueAllowExpiredSignsATestFixture(t *testing.T) {
	keyPath, _, write := sampleIssueFixture(t)
	cred := write("expired.json", func(s string) string {
		return strings.Replace(s, `"validFrom"`, `"validUntil": "2025-01-01T00:00:00Z", "validFrom"`, 1)
	})
	code, out, errOut := runCLI(t, "", "issue", "--key", keyPath, "--allow-expired", "--created", "2024-03-01T00:00:00Z", cred)
	require.Equal(t, exitOK, code, errOut)
	signed := filepath.Join(t.TempDir(), "signed.json")
	require.NoError(t, os.WriteFile(signed, []byte(out), 0o600))
	code, report, _ := runCLI(t, "", "verify", "--offline", signed)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, report, "[FAIL] validity_period")
	code, report, _ = runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", signed)
	assert.Equal(t, exitOK, code, report)
}

func TestIssueFlagsThatDoNotApplyToBatchAreUsageErrors(t *testing.T) {
	for _, flag := range [][]string{{"--allow-expired"}, {"--controller", "did:example:1"}} {
		code, _, errOut := runCLI(t, "", append([]string{"issue", "--batch", "rows.csv"}, flag...)...)
		assert.Equal(t, exitUsage, code, errOut)
		assert.Contains(t, errOut, flag[0])
	}
}
