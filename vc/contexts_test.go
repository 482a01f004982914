package vc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contextPins is the SHA-256 of every embedded context file: a change to any
// byte of a context changes what every proof signs, so it must be deliberate.
var contextPins = map[string]string{
	"openbadges-go.github.io_ns_pathway_v1.jsonld":                               "601f487c0d01058c5f6591ba316af9c6e7cd0015e56535d626dc18d7825a1443", // ours (pathway extension)
	"purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json":                        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
	"purl.imsglobal.org_spec_clr_v2p0_context.json":                              "e198d7b517d74c5036434ce495086f67b10244709e9a3df9dcb7f8b1579b6167",
	"purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json":                         "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
	"purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json":                         "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
	"purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json":                         "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
	"purl.imsglobal.org_spec_ob_v3p0_context.json":                               "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
	"purl.imsglobal.org_spec_ob_v3p0_extensions.json":                            "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
	"w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json": "3bc63c2ac768b6c3ae9a1beeb2564b3156b47c4a3ffae1ae49b553d3664f2749",
	"w3id.org_citizenship_v4rc1.jsonld":                                          "3edaa0fef94223eeb863d71ebd550c45d74143db14911d606f36d579d2dd46af",
	"w3id.org_dcc_v1.jsonld":                                                     "1543695325471b0d23e839a28166ba4ea445cca294ac46fe034ca584cbfc6077",
	"w3id.org_security_data-integrity_v1.jsonld":                                 "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
	"w3id.org_security_data-integrity_v2.jsonld":                                 "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
	"w3id.org_security_multikey_v1.jsonld":                                       "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
	"w3id.org_security_suites_ed25519-2018_v1.jsonld":                            "166c6abb9e08176cee5f6c87c9c1bbfefa5717da391bcac525e5437f93eab809",
	"w3id.org_security_suites_ed25519-2020_v1.jsonld":                            "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
	"w3id.org_security_suites_jws-2020_v1.jsonld":                                "d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e",
	"w3id.org_security_v1.jsonld":                                                "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47",
	"w3id.org_security_v2.jsonld":                                                "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
	"w3id.org_vc_status-list_2021_v1.jsonld":                                     "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
	"www.w3.org_2018_credentials_examples_v1.jsonld":                             "73bebae22e70ebb4466ac2e1f3e3b35c43436217623b51ff3e1b567e1aff4ba2",
	"www.w3.org_2018_credentials_v1.jsonld":                                      "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
	"www.w3.org_ns_credentials_examples_v2.jsonld":                               "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
	"www.w3.org_ns_credentials_status_v1.jsonld":                                 "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
	"www.w3.org_ns_credentials_undefined-terms_v2.jsonld":                        "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581",
	"www.w3.org_ns_credentials_v2.jsonld":                                        "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
	"www.w3.org_ns_did_v1.jsonld":                                                "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
	"www.w3.org_ns_odrl.jsonld":                                                  "a83cb98005bce546531131d4042318d8267aff71b1451f53cc926587fcef42c6",
}

func TestEmbeddedContextsArePinnedBySHA256(t *testing.T) {
	files, err := fs.Glob(contextFS, "contexts/*")
	require.NoError(t, err)
	seen := 0
	for _, f := range files {
		name := strings.TrimPrefix(f, "contexts/")
		if name == "index.json" || name == "PROVENANCE.md" {
			continue
		}
		seen++
		b, err := contextFS.ReadFile(f)
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		want, ok := contextPins[name]
		if assert.True(t, ok, "embedded context %s has no pin", name) {
			assert.Equal(t, want, hex.EncodeToString(sum[:]), "embedded context %s changed", name)
		}
	}
	assert.Equal(t, len(contextPins), seen, "a pinned context is missing from the embedded set")
}

func TestEmbeddedIndexNamesEveryFileOnce(t *testing.T) {
	b, err := contextFS.ReadFile("contexts/index.json")
	require.NoError(t, err)
	var index map[string]string
	require.NoError(t, json.Unmarshal(b, &index))
	files := map[string]bool{}
	for u, f := range index {
		assert.True(t, strings.HasPrefix(u, "https://"), u)
		assert.False(t, files[f], "file %s mapped twice", f)
		files[f] = true
		_, ok := contextPins[f]
		assert.True(t, ok, "index names %s which is not pinned", f)
	}
	assert.Len(t, files, len(contextPins))
}

func TestEmbeddedLoaderServesEveryIndexedContext(t *testing.T) {
	l := EmbeddedLoader()
	urls := EmbeddedContexts()
	require.NotEmpty(t, urls)
	for _, u := range urls {
		d, err := l.LoadDocument(context.Background(), u)
		require.NoError(t, err, u)
		m, ok := d.Document.(map[string]any)
		require.True(t, ok, u)
		assert.Contains(t, m, "@context", u)
		raw, ok := EmbeddedContext(u)
		assert.True(t, ok)
		assert.NotEmpty(t, raw)
	}
	for _, want := range []string{ContextV1, ContextV2,
		"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
		"https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
		"https://w3id.org/security/data-integrity/v2",
		"https://www.w3.org/ns/credentials/status/v1"} {
		assert.Contains(t, urls, want)
	}
}
