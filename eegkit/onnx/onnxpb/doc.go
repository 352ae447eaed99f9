// Package onnxpb is ONNX's own onnx.proto (copied from the onnx 1.23.2
// Python package, Apache-2.0) compiled to Go by protoc-gen-go: the
// ModelProto, GraphProto, NodeProto and TensorProto messages that package
// onnx fills in. Regenerate onnx.pb.go with scripts/gen_onnx_proto.sh.
package onnxpb
