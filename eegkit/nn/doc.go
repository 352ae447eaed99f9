// Package nn is eegkit's neural-network layer kit on GoMLX, with PyTorch's
// semantics: a Layer is a value with parameters (ParamSpec, named as in a
// PyTorch state_dict), an output shape and a Forward(p *Pass, x) that builds
// its part of the graph; a Model is a list of named Blocks of layers, checked
// and completed by Build (shapes, the input size of Linear).
//
// The layers are the general ones (Conv2d with any kernel, stride, padding,
// dilation and groups; AvgPool2d/MaxPool2d with any stride and padding;
// BatchNorm2d; Dropout; Linear; activations; Squared, SafeLog, Func) plus
// braindecode's constrained ones (MaxNormConv2d, CombinedConv). Where a
// layer's shape allows it, Forward takes a faster route than GoMLX's general
// convolution (temporal and spatial convolutions as window products,
// composed temporal+spatial kernels, pooling as reshapes, hand-written
// gradients); the result is the same to float32 rounding.
//
// A model saves itself as a ModelSpec (JSON) and state_dict weights (.npz),
// so a run can be reloaded without its Go code; a user's own layer type is
// registered with RegisterLayer to be saved and loaded.
package nn
