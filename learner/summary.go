package learner

import (
	"cmp"
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
)

// Summary describes the verified credentials of a wallet. Every list is
// sorted (by count, then by key) so the output is deterministic.
type Summary struct {
	Holder string `json:"holder,omitempty"`
	// Credentials counts every entry; Verified those that verified. Only
	// verified Open Badges credentials count in the lists below.
	Credentials int `json:"credentials"`
	Verified    int `json:"verified"`
	// Issuers counts credentials per issuer id.
	Issuers []IssuerCount `json:"issuers"`
	// AchievementTypes counts achievements per achievementType
	// (achievements without one are not counted).
	AchievementTypes []TypeCount `json:"achievementTypes"`
	// Alignments lists the skills and competencies the achievements align
	// to, each with the achievements that align to it.
	Alignments []AlignmentSummary `json:"alignments"`
	// Credits sums creditsEarned (credentialSubject) and creditsAvailable
	// (achievement), exactly, as decimal numbers, counting each credit
	// once: a stacked credential (one that names other credentials of the
	// wallet as evidence by their ids, as pathway.Complete writes them)
	// adds only what it carries beyond its components (see
	// [Wallet.Summary]).
	Credits Credits `json:"credits"`
}

// IssuerCount is an issuer and how many credentials it issued.
type IssuerCount struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Count int    `json:"count"`
}

// TypeCount is an achievement type and how many achievements have it.
type TypeCount struct {
	Type  badge.AchievementType `json:"type"`
	Count int                   `json:"count"`
}

// AlignmentSummary is one alignment target (keyed by targetUrl, or by
// targetFramework and targetName when there is no URL).
type AlignmentSummary struct {
	TargetName      string   `json:"targetName,omitempty"`
	TargetURL       string   `json:"targetUrl,omitempty"`
	TargetFramework string   `json:"targetFramework,omitempty"`
	TargetCode      string   `json:"targetCode,omitempty"`
	Achievements    []string `json:"achievements"`
}

// Credits are exact decimal sums.
type Credits struct {
	Earned    json.Number `json:"earned"`
	Available json.Number `json:"available"`
}

// Summary summarizes the verified credentials.
//
// Credits count once. A stacked credential names the credentials it was
// earned with as evidence (pathway.Complete writes one Evidence entry per
// component, whose id is the component credential's id), and its
// creditsEarned already includes theirs. So when a verified credential
// names, as evidence, verified credentials of the wallet, those are its
// components and it adds only its credits beyond theirs: its creditsEarned
// less what its components (directly or through other components) add,
// and likewise its achievement's creditsAvailable, never below zero.
// Credentials on a cycle of evidence links are counted in full, as
// credentials without components.
func (w *Wallet) Summary() *Summary {
	s := &Summary{Holder: w.Profile.ID, Credentials: len(w.entries), Issuers: []IssuerCount{}, AchievementTypes: []TypeCount{}, Alignments: []AlignmentSummary{}}
	issuers := map[string]*IssuerCount{}
	types := map[badge.AchievementType]int{}
	aligns := map[string]*AlignmentSummary{}
	earned, available := new(big.Rat), new(big.Rat)
	credits := newStack(w.entries)
	for _, e := range w.entries {
		if !e.Verified() {
			continue
		}
		s.Verified++
		b := e.Result.Badge
		if b == nil {
			continue
		}
		id := b.Issuer.IRI()
		ic := issuers[id]
		if ic == nil {
			ic = &IssuerCount{ID: id}
			if b.Issuer.Object != nil {
				ic.Name = b.Issuer.Object.Name
			}
			issuers[id] = ic
		}
		ic.Count++
		ce, ca := credits.own(e)
		earned.Add(earned, ce)
		available.Add(available, ca)
		a := b.CredentialSubject.Achievement
		if a == nil {
			continue
		}
		if a.AchievementType != "" {
			types[a.AchievementType]++
		}
		for _, al := range a.Alignment.Values {
			key := al.TargetURL
			if key == "" {
				key = al.TargetFramework + "\x00" + al.TargetName
			}
			as := aligns[key]
			if as == nil {
				as = &AlignmentSummary{TargetName: al.TargetName, TargetURL: al.TargetURL, TargetFramework: al.TargetFramework, TargetCode: al.TargetCode}
				aligns[key] = as
			}
			if !slices.Contains(as.Achievements, a.ID) {
				as.Achievements = append(as.Achievements, a.ID)
			}
		}
	}
	for _, ic := range issuers {
		s.Issuers = append(s.Issuers, *ic)
	}
	slices.SortFunc(s.Issuers, func(a, b IssuerCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.ID, b.ID)) })
	for t, n := range types {
		s.AchievementTypes = append(s.AchievementTypes, TypeCount{Type: t, Count: n})
	}
	slices.SortFunc(s.AchievementTypes, func(a, b TypeCount) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(string(a.Type), string(b.Type)))
	})
	for _, as := range aligns {
		slices.Sort(as.Achievements)
		s.Alignments = append(s.Alignments, *as)
	}
	slices.SortFunc(s.Alignments, func(a, b AlignmentSummary) int {
		return cmp.Or(len(b.Achievements)-len(a.Achievements), strings.Compare(a.TargetFramework, b.TargetFramework),
			strings.Compare(a.TargetName, b.TargetName), strings.Compare(a.TargetURL, b.TargetURL))
	})
	s.Credits = Credits{Earned: decimal(earned), Available: decimal(available)}
	return s
}

// addDecimal adds n to sum; a value that is not a finite decimal number is
// ignored (the schema check has reported it).
func addDecimal(sum *big.Rat, n json.Number) {
	if n == "" || len(n) > 64 {
		return
	}
	var r big.Rat
	if strings.ContainsAny(string(n), "eE") {
		// An exponent could ask big.Rat for an enormous number: read it
		// as a float64 instead.
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return
		}
		r.SetFloat64(f)
	} else if _, ok := r.SetString(string(n)); !ok {
		return
	}
	sum.Add(sum, &r)
}

// decimal writes r without trailing zeros (at most 6 decimal places).
func decimal(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	s := strings.TrimRight(r.FloatString(6), "0")
	return json.Number(strings.TrimSuffix(s, "."))
}
