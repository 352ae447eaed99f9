#!/usr/bin/env bash
# Regenerates eegkit/onnx/onnxpb/onnx.pb.go from ONNX's own onnx.proto
# (copied next to it from the onnx PyPI package, whose version the test
# script pins), with Debian's protoc (protobuf-compiler) and protoc-gen-go at
# the google.golang.org/protobuf version of go.mod. Run it after updating
# onnx.proto; the generated file is committed, so building eegkit needs
# neither protoc nor Python.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
command -v protoc >/dev/null || { echo "gen_onnx_proto: protoc is missing: apt-get install protobuf-compiler" >&2; exit 1; }
version=$(go list -m -f '{{.Version}}' google.golang.org/protobuf)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN="$bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$version"
cd eegkit/onnx/onnxpb
PATH="$bin:$PATH" protoc --go_out=. --go_opt=paths=source_relative \
	--go_opt=Monnx.proto=github.com/eegkit/eegkit/eegkit/onnx/onnxpb onnx.proto
echo "gen_onnx_proto: wrote eegkit/onnx/onnxpb/onnx.pb.go (protoc-gen-go $version, $(protoc --version))"
