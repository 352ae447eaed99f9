package eegkit_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestDocLinks: every relative link of README.md and docs/*.md names a file
// that exists and, with a #fragment, a heading of that Markdown file (as
// GitHub makes anchors of headings), so that moving a section breaks a test,
// not a reader's path.
func TestDocLinks(t *testing.T) {
	root := filepath.Join("..")
	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range link.FindAllStringSubmatch(prose(string(raw)), -1) {
			ref := target[1]
			if strings.Contains(ref, "://") || strings.HasPrefix(ref, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(ref, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
			}
			checked++
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("%s: the link %s names a file that does not exist (%s)", file, ref, dest)
				continue
			}
			if anchor == "" {
				continue
			}
			md, _ := os.ReadFile(dest)
			if !anchors(string(md))[anchor] {
				t.Errorf("%s: the link %s names no heading of %s", file, ref, dest)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d relative links found: the README and docs/ should link to each other", checked)
	}
}

// prose is Markdown without its code blocks and code spans, where a "](…)" is not a link.
func prose(md string) string {
	var out strings.Builder
	fence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
			continue
		}
		if fence || strings.HasPrefix(line, "    ") {
			continue
		}
		parts := strings.Split(line, "`")
		for i := 0; i < len(parts); i += 2 { // outside backquotes
			out.WriteString(parts[i])
		}
		out.WriteByte('\n')
	}
	return out.String()
}

// anchors are the anchors GitHub gives a Markdown file's headings: lower
// case, letters, digits, "-" and "_" kept, spaces made "-", the rest dropped;
// a repeated one gets "-1", "-2", ….
func anchors(md string) map[string]bool {
	out := map[string]bool{}
	fence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
		}
		if fence || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var slug strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				slug.WriteRune(r)
			case r == ' ':
				slug.WriteByte('-')
			}
		}
		a := slug.String()
		for i := 1; out[a]; i++ {
			a = slug.String() + "-" + strconv.Itoa(i)
		}
		out[a] = true
	}
	return out
}
