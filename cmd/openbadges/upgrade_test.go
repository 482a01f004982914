package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

const ob2Dir = "../../badge/ob2/testdata/validator/"

// ob2Offline are the flags that serve the validator's linked documents
// offline, as of a date when its assertions are valid.
func ob2Offline() []string {
	return []string{"--offline", "--now", "2024-06-01T00:00:00Z",
		"--resource", "https://example.org/=" + ob2Dir + "assets/",
		"--resource", "https://www.example.org/=" + ob2Dir + "assets/",
		"--resource", "http://example.org/=" + ob2Dir + "assets/",
		"--resource", "https://example.org/beths-robotics-badge.json=" + ob2Dir + "basic-assertion.json",
	}
}

// didKeyFile writes a did:key Ed25519 key file.
func didKeyFile(t *testing.T) string {
	t.Helper()
	k, err := did.GenerateKey(did.AlgEd25519, nil)
	require.NoError(t, err)
	kb, err := k.MarshalJWK()
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "key.json")
	require.NoError(t, os.WriteFile(p, kb, 0o600))
	return p
}

func upgradeArgs(extra ...string) []string {
	return append(append([]string{"upgrade"}, ob2Offline()...), extra...)
}

// verifyOutput checks that out, a signed 3.0 credential, verifies with
// "openbadges verify" and the extra flags.
func verifyOutput(t *testing.T, out string, extra ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "upgraded")
	require.NoError(t, os.WriteFile(p, []byte(out), 0o600))
	code, report, errOut := runCLI(t, "", append(append([]string{"verify", "--offline"}, extra...), p)...)
	assert.Equal(t, exitOK, code, report+errOut)
	assert.Contains(t, report, "OpenBadgeCredential")
	return report
}

// TestUpgradeSignsWhatVerifies: a verified 2.0 assertion (signed, hosted,
// baked) becomes a 3.0 credential issued by the key's controller, which
// verifies, in both formats.
func TestUpgradeSignsWhatVerifies(t *testing.T) {
	key := didKeyFile(t)
	k, err := did.ParsePrivateKey(must(os.ReadFile(key)))
	require.NoError(t, err)
	for _, in := range []string{"simple.jwt", "basic-assertion.json", "simple-badge.png"} {
		for _, format := range []string{"di", "jwt"} {
			t.Run(in+"/"+format, func(t *testing.T) {
				code, out, errOut := runCLI(t, "", upgradeArgs("--key", key, "--format", format, ob2Dir+in)...)
				require.Equal(t, exitOK, code, errOut)
				report := verifyOutput(t, out)
				assert.Contains(t, report, k.Controller)
				assert.Contains(t, report, `achievement "Awesome Robotics Badge"`)
				if format == "di" {
					var c map[string]any
					require.NoError(t, json.Unmarshal([]byte(out), &c))
					iss := c["issuer"].(map[string]any)
					assert.Equal(t, k.Controller, iss["id"])
					assert.Equal(t, "An Example Badge Issuer", iss["name"])
					assert.Contains(t, out, `"identifier":"https://example.org/organization.json"`)
					assert.Contains(t, out, `"identifier":"https://example.org/robotics-badge.json"`)
					assert.Contains(t, out, `"Open Badges 2.0 assertion"`)
					assert.Regexp(t, `^urn:uuid:`, c["id"])
				}
			})
		}
	}
	t.Run("-o and --issuer-name", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.json")
		code, out, errOut := runCLI(t, "", upgradeArgs("--key", key, "--issuer-name", "Robotics Dept.", "-o", p, ob2Dir+"simple.jwt")...)
		require.Equal(t, exitOK, code, errOut)
		assert.Empty(t, out)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Contains(t, string(b), `"name":"Robotics Dept."`)
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestUpgradeRefusesWhatDidNotVerify: nothing is written for a revoked
// assertion, one whose documents are missing offline, or input that is
// not 2.0; the failed checks are printed.
func TestUpgradeRefusesWhatDidNotVerify(t *testing.T) {
	key := didKeyFile(t)
	code, out, errOut := runCLI(t, "", upgradeArgs("--key", key, ob2Dir+"simple-revoked.jwt")...)
	assert.Equal(t, exitInvalid, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "NOT VERIFIED, not upgraded")
	assert.Contains(t, errOut, "[FAIL] status")
	assert.NotContains(t, errOut, "[ok  ]")

	code, out, errOut = runCLI(t, "", "upgrade", "--key", key, "--offline", ob2Dir+"simple.jwt")
	assert.Equal(t, exitInvalid, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "[FAIL]")
	assert.Contains(t, errOut, "offline")

	// Its id is hosted: the hosted copy is the one verified.
	code, out, errOut = runCLI(t, "", upgradeArgs("--key", key, "--resource", "https://example.org/beths-robotics-badge.json="+ob2Dir+"basic-assertion-expired.json", ob2Dir+"basic-assertion-expired.json")...)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, errOut, "[FAIL] validity_period")

	code, out, errOut = runCLI(t, "", upgradeArgs("--key", key, "testdata/signed-eddsa.json")...)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, errOut, "not an Open Badges 2.0 assertion")
}

// TestUpgradeDidWebIssuerOffline: a did:web issuer upgrades a 2.0 badge
// and the result verifies offline with its DID document from --resource.
func TestUpgradeDidWebIssuerOffline(t *testing.T) {
	keyPath, docPath, _, docURL := webKeyFixture(t, "badges.example.edu")
	code, out, errOut := runCLI(t, "", upgradeArgs("--key", keyPath, ob2Dir+"simple.jwt")...)
	require.Equal(t, exitOK, code, errOut)
	report := verifyOutput(t, out, "--resource", docURL+"="+docPath)
	assert.Contains(t, report, "did:web:badges.example.edu")
}

// TestUpgradeRSAKey: an RSA key (thumbprint id) signs VC-JWTs only, for
// the --controller given.
func TestUpgradeRSAKey(t *testing.T) {
	k, err := did.GenerateKey(did.AlgRS256, nil)
	require.NoError(t, err)
	kb, err := k.MarshalJWK()
	require.NoError(t, err)
	key := filepath.Join(t.TempDir(), "rsa.json")
	require.NoError(t, os.WriteFile(key, kb, 0o600))

	code, _, errOut := runCLI(t, "", upgradeArgs("--key", key, ob2Dir+"simple.jwt")...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "no verification method URL")
	code, _, errOut = runCLI(t, "", upgradeArgs("--key", key, "--format", "jwt", ob2Dir+"simple.jwt")...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "--controller")
	code, out, errOut := runCLI(t, "", upgradeArgs("--key", key, "--format", "jwt", "--controller", "https://example.edu/issuers/1", ob2Dir+"simple.jwt")...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, 2, strings.Count(strings.TrimSpace(out), "."), "a compact JWT")
}

// batchFolder copies validator inputs into a new folder: three that
// verify, one revoked, one whose signature was tampered with and a file
// that is not a badge.
func batchFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"simple.jwt", "simple-revoked.jwt", "simple-badge.png", "basic-assertion.json"} {
		b, err := os.ReadFile(ob2Dir + name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o600))
	}
	jws := strings.TrimSpace(string(must(os.ReadFile(ob2Dir + "simple.jwt"))))
	last := "A"
	if strings.HasSuffix(jws[:len(jws)-1], "A") {
		last = "B"
	}
	tampered := jws[:len(jws)-2] + last + jws[len(jws)-1:]
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tampered.jwt"), []byte(tampered), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a badge\n"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".hidden"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".hidden", "x.json"), []byte("{}"), 0o600))
	return dir
}

func TestUpgradeBatchFolder(t *testing.T) {
	key := didKeyFile(t)
	in := batchFolder(t)
	out := filepath.Join(t.TempDir(), "out")

	// --dry-run: everything checked and signed, nothing written.
	code, report, errOut := runCLI(t, "", upgradeArgs("--key", key, "--batch", in, "--out", out, "--dry-run")...)
	assert.Equal(t, exitInvalid, code, errOut)
	assert.Contains(t, report, "simple.jwt: verified, would be upgraded to")
	assert.Contains(t, report, "6 inputs: 3 would be upgraded (dry run: nothing written), 2 not verified, 1 not upgraded for another reason")
	assert.NoDirExists(t, out)

	code, report, errOut = runCLI(t, "", upgradeArgs("--key", key, "--batch", in, "--out", out)...)
	assert.Equal(t, exitInvalid, code, errOut)
	for _, want := range []string{
		"simple.jwt: verified, upgraded to " + filepath.Join(out, "simple.ob3.json") + " (urn:uuid:",
		"simple-badge.png: verified, upgraded to " + filepath.Join(out, "simple-badge.ob3.json"),
		"basic-assertion.json: verified, upgraded to " + filepath.Join(out, "basic-assertion.ob3.json"),
		"simple-revoked.jwt: NOT VERIFIED, not upgraded\n  [FAIL] status",
		"tampered.jwt: NOT VERIFIED, not upgraded\n  [FAIL] proof",
		"notes.txt: NOT UPGRADED: not an Open Badges 2.0 assertion",
		"6 inputs: 3 upgraded, 2 not verified, 1 not upgraded for another reason",
	} {
		assert.Contains(t, report, want)
	}
	assert.NotContains(t, report, ".hidden")
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	assert.Len(t, entries, 3)
	for _, e := range entries {
		verifyOutput(t, string(must(os.ReadFile(filepath.Join(out, e.Name())))))
	}

	// The output folder inside the input folder is not read as input.
	nested := filepath.Join(in, "upgraded")
	code, report, _ = runCLI(t, "", upgradeArgs("--key", key, "--batch", in, "--out", nested)...)
	assert.Equal(t, exitInvalid, code)
	code, report2, _ := runCLI(t, "", upgradeArgs("--key", key, "--batch", in, "--out", nested)...)
	assert.Equal(t, exitInvalid, code)
	assert.NotRegexp(t, `(?m)^upgraded/`, report2, "an output read as an input")
	assert.Equal(t, strings.Count(report, "\n"), strings.Count(report2, "\n"))
	code, _, errOut = runCLI(t, "", upgradeArgs("--key", key, "--batch", in, "--out", in)...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "is the --batch folder")

	// Again: what is there is kept, not overwritten.
	before := must(os.ReadFile(filepath.Join(out, "simple.ob3.json")))
	code, report, _ = runCLI(t, "", upgradeArgs("--key", key, "--batch", in, "--out", out)...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, report, "already exists, kept (not overwritten)")
	assert.Equal(t, before, must(os.ReadFile(filepath.Join(out, "simple.ob3.json"))))
}

// TestUpgradeBatchCSV: a CSV of hosted assertion URLs (with a header
// row), reported as JSON lines.
func TestUpgradeBatchCSV(t *testing.T) {
	key := didKeyFile(t)
	csvPath := filepath.Join(t.TempDir(), "badges.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("learner,url\n"+
		"ada,https://example.org/beths-robotics-badge.json\n"+
		"\n"+
		"bob,https://example.org/missing.json\n"+
		"cy,not a url\n"), 0o600))
	out := filepath.Join(t.TempDir(), "out")
	code, report, errOut := runCLI(t, "", upgradeArgs("--key", key, "--format", "jwt", "--batch", csvPath, "--out", out, "--json")...)
	assert.Equal(t, exitInvalid, code, errOut)
	lines := strings.Split(strings.TrimSpace(report), "\n")
	require.Len(t, lines, 3, report)
	var reps []upgradeReport
	for _, l := range lines {
		var r upgradeReport
		require.NoError(t, json.Unmarshal([]byte(l), &r), l)
		reps = append(reps, r)
	}
	assert.Equal(t, "line 2: https://example.org/beths-robotics-badge.json", reps[0].Input)
	assert.True(t, reps[0].Verified && reps[0].Upgraded, report)
	assert.Equal(t, filepath.Join(out, "row-000002.ob3.jwt"), reps[0].Output)
	assert.Regexp(t, `^urn:uuid:`, reps[0].ID)
	verifyOutput(t, string(must(os.ReadFile(reps[0].Output))))

	assert.Equal(t, "line 4: https://example.org/missing.json", reps[1].Input)
	assert.False(t, reps[1].Verified || reps[1].Upgraded)
	assert.NotEmpty(t, reps[1].Failed)

	assert.Equal(t, "line 5", reps[2].Input)
	assert.Contains(t, reps[2].Error, "no http(s) URL in column 2")
}

func TestUpgradeUsage(t *testing.T) {
	key := didKeyFile(t)
	for _, args := range [][]string{
		{"upgrade", ob2Dir + "simple.jwt"},                                      // no --key
		{"upgrade", "--key", key},                                               // no input
		{"upgrade", "--key", key, "--format", "ldp", ob2Dir + "simple.jwt"},     // bad format
		{"upgrade", "--key", key, "--batch", ob2Dir},                            // no --out
		{"upgrade", "--key", key, "--batch", ob2Dir, "--out", "x", "extra"},     // extra argument
		{"upgrade", "--key", key, "--dry-run", ob2Dir + "simple.jwt"},           // --dry-run without --batch
		{"upgrade", "--key", key, "--now", "yesterday", ob2Dir + "simple.jwt"},  // bad --now
		{"upgrade", "--key", key, "--batch", ob2Dir, "--dry-run", "-o", "file"}, // -o with --batch
	} {
		code, _, errOut := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
	code, out, _ := runCLI(t, "", "upgrade", "--help")
	assert.Equal(t, exitOK, code)
	for _, flag := range []string{"--key", "--batch", "--out", "--dry-run", "--resource", "--offline", "--controller"} {
		assert.Contains(t, out, flag)
	}
}
