package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
)

// notRunHere are the documents whose commands need what a test of the
// command line does not have, each with where they are exercised.
var notRunHere = map[string]string{
	"docs/interop.md":  "its commands follow PyTorch and onnxruntime steps: scripts/onnx_check.sh and the parity fixtures exercise them",
	"docs/clusters.md": "its commands run on a Slurm or Kubernetes cluster's shared directory: scripts/slurm_test.sh exercises them",
}

// documentedCommand is a `bin/eegkit …` line of a document's code block.
type documentedCommand struct {
	where string // "README.md:68"
	args  []string
}

// TestDocumentedCommands runs every `bin/eegkit` command of the code blocks
// of README.md and docs/*.md as written, in quick mode: each document's
// commands in order, in a scratch directory of its own whose data/ is the
// synthetic data with 40 trials per file next to the checkout's
// data/eegmmidb, and whose trials.npz holds trials to classify, with one
// epoch wherever a command trains. A command the
// documents show must work.
func TestDocumentedCommands(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	mmidb, err := filepath.Abs(filepath.Join(root, "data", "eegmmidb")) // as a checkout's data/ holds it
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, path := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		name, _ := filepath.Rel(root, path)
		cmds, err := documentedCommands(path, name)
		if err != nil {
			t.Fatal(err)
		}
		if why, ok := notRunHere[name]; ok {
			if len(cmds) == 0 {
				t.Errorf("%s is exempt (%s) but has no commands: drop it from notRunHere", name, why)
			}
			continue
		}
		if len(cmds) == 0 {
			continue
		}
		total += len(cmds)
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if err := datasets.GenerateLabTrials("data", 1, 40); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(mmidb, filepath.Join("data", "eegmmidb")); err != nil {
				t.Fatal(err)
			}
			trials, err := os.ReadFile(filepath.Join("data", "S4b_test.npz")) // signal (40, 750, 2): trials to classify
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile("trials.npz", trials, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, c := range cmds {
				args := quickMode(c.args)
				code, _, stderr := runCLI(args...)
				if code != 0 {
					t.Errorf("%s: bin/eegkit %s: exit %d: %s", c.where, strings.Join(c.args, " "), code, lastLine(stderr))
				}
			}
		})
	}
	if total < 30 {
		t.Errorf("the documents show %d commands; README.md and docs/cli.md alone show more: is the parser broken?", total)
	}
}

// documentedCommands are the `bin/eegkit` lines of the indented code blocks
// of the Markdown file at path, with their continuation lines (a line
// ending in "\") joined and their trailing "# comments" cut.
func documentedCommands(path, name string) ([]documentedCommand, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []documentedCommand
	sc := bufio.NewScanner(f)
	n, pending, start := 0, "", 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if pending == "" {
			if !strings.HasPrefix(line, "    bin/eegkit ") && line != "    bin/eegkit" {
				continue
			}
			start = n
		}
		line = strings.TrimSpace(cutComment(line))
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			pending += cont + " "
			continue
		}
		args, err := splitArgs(pending + line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, start, err)
		}
		out = append(out, documentedCommand{where: fmt.Sprintf("%s:%d", name, start), args: args[1:]})
		pending = ""
	}
	return out, sc.Err()
}

// cutComment cuts a trailing shell comment (" #" outside quotes).
func cutComment(line string) string {
	quote := rune(0)
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#' && i > 0 && line[i-1] == ' ':
			return line[:i]
		}
	}
	return line
}

// splitArgs splits a command line as the shell does for words and quotes.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	quote, inWord := rune(0), false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", line)
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}

// quickMode is a command with one epoch wherever it trains (and so no
// warm-up, which must be shorter).
func quickMode(args []string) []string {
	if len(args) == 0 || (args[0] != "train" && args[0] != "lab" && args[0] != "sweep" && args[0] != "benchmark") || (len(args) > 1 && args[1] == "report") {
		return args
	}
	out := append([]string(nil), args...)
	epochs := false
	for i := range out {
		switch {
		case out[i] == "--epochs" && i+1 < len(out):
			out[i+1], epochs = "1", true
		case out[i] == "--warmup" && i+1 < len(out):
			out[i+1] = "0"
		}
	}
	if !epochs {
		out = append(out, "--epochs", "1")
	}
	return out
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestDocumentedCommandsParser: continuation lines, comments and quotes are
// read as the shell reads them.
func TestDocumentedCommandsParser(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.md")
	doc := "Prose with `bin/eegkit train` inline is not a command.\n\n" +
		"    bin/eegkit train --model eegnet \\\n" +
		"                     --augment \"noise:0.1 # not a comment\" --out runs/x   # a comment\n" +
		"    bin/eegkit --version\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmds, err := documentedCommands(path, "doc.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []documentedCommand{
		{"doc.md:3", []string{"train", "--model", "eegnet", "--augment", "noise:0.1 # not a comment", "--out", "runs/x"}},
		{"doc.md:5", []string{"--version"}},
	}
	if fmt.Sprint(cmds) != fmt.Sprint(want) {
		t.Errorf("parsed %q, want %q", cmds, want)
	}
	if got := quickMode(want[0].args); strings.Join(got, " ") != strings.Join(append(want[0].args, "--epochs", "1"), " ") {
		t.Errorf("quick mode %q", got)
	}
	if got := quickMode([]string{"lab", "--epochs", "300"}); strings.Join(got, " ") != "lab --epochs 1" {
		t.Errorf("quick mode %q", got)
	}
}
