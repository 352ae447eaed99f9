package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// EEGConformerOptions are the architecture keywords of braindecode's
// EEGConformer (Song et al. 2023, "EEG Conformer: Convolutional
// Transformer for EEG Decoding and Visualization", IEEE TNSRE 31), with
// braindecode 1.8's names; DefaultEEGConformerOptions gives its defaults.
// The transformer's activation is GELU, as braindecode's default.
type EEGConformerOptions struct {
	NFiltersTime     int           // n_filters_time: temporal filters, the embedding size (40)
	FilterTimeLength int           // filter_time_length (25)
	PoolTimeLength   int           // pool_time_length (75)
	PoolTimeStride   int           // pool_time_stride (15)
	DropProb         float64       // drop_prob: after the convolutions (0.5)
	NumLayers        int           // num_layers: transformer encoder blocks (6)
	NumHeads         int           // num_heads (10)
	AttDropProb      float64       // att_drop_prob: in the transformer (0.5)
	FinalFCLength    int           // final_fc_length: 0 is "auto", tokens × embedding
	Activation       nn.Activation // activation of the convolutions and the classifier (ELU)
}

// DefaultEEGConformerOptions are braindecode's defaults.
func DefaultEEGConformerOptions() EEGConformerOptions {
	return EEGConformerOptions{NFiltersTime: 40, FilterTimeLength: 25, PoolTimeLength: 75, PoolTimeStride: 15, DropProb: 0.5,
		NumLayers: 6, NumHeads: 10, AttDropProb: 0.5, Activation: nn.ELU}
}

// EEGConformer builds braindecode's EEGConformer for trials of nChans
// channels × nTimes samples and nOutputs classes, with its state_dict
// names: a shallow convolutional patch embedding (temporal and spatial
// convolutions, BatchNorm, average pooling, a 1×1 projection) whose pooled
// time steps are the tokens, NumLayers transformer encoder blocks (each
// a residual multi-head self-attention and a residual feed-forward block,
// both after a LayerNorm), and a fully connected classifier of the
// flattened tokens. For the lab's input (2 × 750, 2 classes) it has
// 583,426 parameters.
func EEGConformer(nChans, nOutputs, nTimes int, o EEGConformerOptions) (*nn.Model, error) {
	if o.Activation == nn.NoActivation {
		return nil, fmt.Errorf("eegconformer needs an activation (ELU by default)")
	}
	e := o.NFiltersTime
	m := &nn.Model{Name: "EEGConformer", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Name: "patch_embedding", Layers: []nn.Layer{
			nn.Named{Name: "shallownet", Layer: nn.Seq(
				nn.Conv2d{In: 1, Out: e, Kernel: [2]int{1, o.FilterTimeLength}, Bias: true},
				nn.Conv2d{In: e, Out: e, Kernel: [2]int{nChans, 1}, Bias: true},
				nn.BatchNorm(e),
				o.Activation,
				nn.Pool2d{Kernel: [2]int{1, o.PoolTimeLength}, Stride: [2]int{1, o.PoolTimeStride}},
				nn.Dropout{P: o.DropProb},
			)},
			nn.Named{Name: "projection", Layer: nn.Seq(nn.Conv2d{In: e, Out: e, Kernel: [2]int{1, 1}, Bias: true})},
		}},
	}}
	var blocks []nn.Layer
	for range o.NumLayers {
		// _TransformerEncoderBlock: two _ResidualAdd, each x + fn(x).
		attention := nn.Residual{Body: nn.Named{Name: "fn", Layer: nn.Seq(
			nn.LayerNorm{Features: e}, nn.MultiHeadAttention{Emb: e, Heads: o.NumHeads, Dropout: o.AttDropProb}, nn.Dropout{P: o.AttDropProb})}}
		feedForward := nn.Residual{Body: nn.Named{Name: "fn", Layer: nn.Seq(
			nn.LayerNorm{Features: e},
			nn.Seq(nn.ChannelLinear{In: e, Out: 4 * e}, nn.GELU{}, nn.Dropout{P: o.AttDropProb}, nn.ChannelLinear{In: 4 * e, Out: e}),
			nn.Dropout{P: o.AttDropProb})}}
		blocks = append(blocks, nn.Seq(attention, feedForward))
	}
	m.Blocks = append(m.Blocks, nn.Block{Layers: []nn.Layer{nn.Named{Name: "transformer", Layer: nn.Seq(blocks...)}}})
	if o.FinalFCLength != 0 {
		shape, err := nn.OutShapeOf(m)
		if err != nil {
			return nil, err
		}
		if shape.Size() != o.FinalFCLength {
			return nil, fmt.Errorf("eegconformer: final_fc_length %d, but the transformer gives %d values (%v)", o.FinalFCLength, shape.Size(), shape)
		}
	}
	// _FullyConnected flattens [tokens, embedding] token by token.
	m.Blocks = append(m.Blocks,
		nn.Block{Layers: []nn.Layer{nn.Named{Name: "flatten_tokens", Layer: nn.Permute{Axes: [3]int{2, 1, 0}}}}},
		nn.Block{Name: "fc", Layers: []nn.Layer{nn.Named{Name: "fc", Layer: nn.Seq(
			nn.Linear{Out: 256}, o.Activation, nn.Dropout{P: 0.5}, nn.Linear{In: 256, Out: 32}, o.Activation, nn.Dropout{P: 0.3})}}},
		nn.Block{Layers: []nn.Layer{nn.Named{Name: "final_layer", Layer: nn.Linear{In: 32, Out: nOutputs}}}},
	)
	return m.Build()
}
