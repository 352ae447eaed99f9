package augment_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/eegkit/eegkit/eegkit/augment"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// Parse a spec for the lab's trials and apply it to a batch: the mirror
// (with probability 1 here) swaps C3 and C4 and flips the labels.
func ExampleParse() {
	lab := augment.Info{Rate: 125, Times: 750, Channels: []string{"C3", "C4"}, Classes: []string{"left hand", "right hand"}}
	p, err := augment.Parse("timeshift:0.2s,mirror:1", lab)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Name())
	x := make([]float32, 2*2*750)
	y := []int32{0, 1}
	p.Apply(x, y, nn.Shape3{1, 2, 750}, rand.New(rand.NewPCG(1, 2)))
	fmt.Println(y)
	// Output:
	// timeshift:25:0.5,mirror:1
	// [1 0]
}
