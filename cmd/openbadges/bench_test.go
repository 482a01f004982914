package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBenchJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "", "bench", "--json", "--duration", "1ms")
	require.Equal(t, exitOK, code, errOut)
	var rep struct {
		Results []struct {
			Name   string   `json:"name"`
			NsOp   float64  `json:"ns_per_op"`
			Allocs *float64 `json:"allocs_per_op"`
			Ratio  float64  `json:"ratio_to_ed25519_verify"`
		} `json:"results"`
		Goals []struct {
			Name string `json:"name"`
		} `json:"goals"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	names := map[string]bool{}
	for _, r := range rep.Results {
		names[r.Name] = true
		assert.Positive(t, r.NsOp, r.Name)
		assert.Positive(t, r.Ratio, r.Name)
		assert.NotNil(t, r.Allocs, r.Name)
	}
	for _, want := range []string{
		"ed25519 verify (raw)", "ed25519 sign (raw)", "canonicalize (RDFC-1.0)",
		"issue eddsa-rdfc-2022", "verify eddsa-rdfc-2022", "issue ecdsa-rdfc-2019 P-256", "verify ecdsa-rdfc-2019 P-256",
		"issue Ed25519Signature2020", "verify Ed25519Signature2020", "verify eddsa-rdfc-2022, parallel",
		"issue VC-JWT EdDSA", "verify VC-JWT EdDSA", "issue VC-JWT ES256", "verify VC-JWT ES256",
		"issue VC-JWT RS256", "verify VC-JWT RS256", "unbake PNG",
		"full Verify JSON", "full Verify VC-JWT", "full Verify PNG", "full Verify SVG",
		"full Verify JSON, parallel", "POST /verify over HTTP, 16 clients",
		"full Verify CLR 2.0 record, 10 credentials", "canonicalize (RDFC-1.0) through json-gold",
	} {
		assert.True(t, names[want], "missing %q", want)
	}
	assert.GreaterOrEqual(t, len(rep.Goals), 4)
	goals := map[string]bool{}
	for _, g := range rep.Goals {
		goals[g.Name] = true
	}
	assert.True(t, goals["POST /verify throughput / in-process (16 clients)"], "goals: %v", goals)
	for _, r := range rep.Results {
		if r.Name == "ed25519 verify (raw)" {
			assert.InDelta(t, 1, r.Ratio, 1e-9)
		}
	}
}

func TestBenchTable(t *testing.T) {
	code, out, errOut := runCLI(t, "", "bench", "--duration", "1ms")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "ns/op")
	assert.Contains(t, out, "verify eddsa-rdfc-2022")
	assert.Contains(t, out, "Goals (issues #8 and #15):")
}

func TestBenchUsage(t *testing.T) {
	code, _, _ := runCLI(t, "", "bench", "--duration", "0s")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "bench", "extra")
	assert.Equal(t, exitUsage, code)
	code, out, _ := runCLI(t, "", "bench", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "--duration")
}
