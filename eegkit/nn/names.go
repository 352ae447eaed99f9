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

// NormalizeName is the form in which eegkit compares the names of
// activations, models and layers: lower case, without spaces, "_" and "-"
// ("Leaky_ReLU" is "leakyrelu").
func NormalizeName(s string) string {
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}
