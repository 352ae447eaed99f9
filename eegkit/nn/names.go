package nn

import (
	"strings"
)

// shapeSize is the number of values of a shape.
func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// normalizeName lowers a name and drops spaces, "_" and "-" ("Leaky_ReLU" is "leakyrelu").
func normalizeName(s string) string {
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}
