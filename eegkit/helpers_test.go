package eegkit

import (
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }
