// Package onnx exports eegkit models as ONNX graphs in evaluation mode, so
// a trained model runs in onnxruntime from C++, C#, Java, JavaScript or
// Python, where brain-computer interfaces are written.
//
// The graph takes "input", float32 [N, 1, C, T] (PyTorch's NCHW layout of
// the lab's modules; braindecode's [N, C, T] is the same values with the
// 1 dropped), and returns "logits", float32 [N, K]. Each eegkit layer
// becomes the ONNX operators of its PyTorch module in eval mode:
//
//	Conv2d, MaxNormConv2d, TimeFirstConv2d  Conv (the max-norm weight renormalised once, at export)
//	CombinedConv                            Conv with the composed kernel K[o, c, k] = Σₘ S[o, m, c]·T[m, k]
//	BatchNorm2d                             BatchNormalization (running statistics)
//	Pool2d                                  AveragePool (count_include_pad) or MaxPool, floor rounding
//	Linear                                  Flatten, Gemm (transB), Reshape to [N, Out, 1, 1]
//	relu, leakyrelu, elu                    Relu, LeakyRelu (α = 0.01), Elu (α = 1)
//	Squared, SafeLog                        Mul, Log(Max(x, ε))
//	Dropout, PassThrough                    nothing (identities in eval mode)
//
// A layer type of your own exports itself by implementing Exporter. The
// messages are ONNX's own onnx.proto compiled by protoc-gen-go (package
// onnxpb) and encoded by google.golang.org/protobuf.
package onnx
