package pathway_test

import (
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/pathway"
)

func ExamplePathway_Validate() {
	p := &pathway.Pathway{
		ID:           "https://example.edu/pathways/p",
		Goal:         badge.NewAchievement("https://example.edu/a/goal", "Goal", "Goal", "Earn two of three."),
		Achievements: []badge.Achievement{badge.NewAchievement("https://example.edu/a/1", "One", "One", "One")},
		Requirement: pathway.Node{Type: pathway.AtLeast, Min: 2, Requirements: []pathway.Node{
			{Type: pathway.Requirement, Achievement: "https://example.edu/a/1"},
			{Type: pathway.Requirement, Achievement: "https://example.edu/a/goal"},
		}},
	}
	fmt.Println(p.Validate())
	// Output:
	// pathway: invalid definition: pathway https://example.edu/pathways/p at $.requirement.requirements[1]: pathway: cycle: requires "https://example.edu/a/goal", the goal of pathway "https://example.edu/pathways/p"
}
