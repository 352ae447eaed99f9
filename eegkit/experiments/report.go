package experiments

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

// SweepReport is a merged sweep's report: the results table with its note
// (results.md) and, when a point is finished, the heat map.
type SweepReport struct {
	Markdown string
	Heatmap  *plot.Figure // nil without finished points
}

// Report ranks the finished points' seed groups (by validation accuracy,
// never by the test set) next to the baselines' rows, notes the data, the
// protocol, whether the first beats the second on the test set, and the
// points not finished yet.
func (m *MergedSweep) Report(baselineRows ...*baselines.Result) (SweepReport, error) {
	points := slices.Clone(m.Points)
	SortPoints(points)
	groups := GroupSeeds(points)
	SortGroups(groups)
	table := ResultsTable(groups, baselineRows...)
	note := fmt.Sprintf("\nData: %s. %s. Ranked by mean validation accuracy (by train accuracy without a validation split); the test set never ranks. Mean ± sample std over %d seed(s).\n",
		m.Plan.Data, m.Plan.Protocol, m.Plan.Seeds)
	if len(groups) > 1 && len(groups[0].Seeds) > 1 {
		// The two ranked first (by validation, never by the test set): does the first beat the second on the test set?
		if c, err := CompareGroups(groups[0], groups[1], points); err == nil {
			note += "\nFirst against second: " + c.Verdict() + "\n"
		}
	}
	if len(m.Missing) > 0 {
		note += fmt.Sprintf("\nIncomplete: %d of the plan's %d points are not finished (%d of them failed); the table holds the %d finished.\n",
			len(m.Missing), len(m.Plan.Points), len(m.Failed), len(m.Points))
	}
	r := SweepReport{Markdown: table + note}
	if len(groups) > 0 {
		p, err := ResultsHeatmap("Sweep", groups)
		if err != nil {
			return r, err
		}
		p.Caption = "Data: " + m.Plan.Data
		r.Heatmap = p
	}
	return r, nil
}

// WriteReport writes the report into dir, atomically: sweep.csv (see
// WriteCSV), results.md and the heat map (heatmap.png, heatmap.svg). It
// returns the files written.
func (m *MergedSweep) WriteReport(dir string, r SweepReport) ([]string, error) {
	if err := m.WriteCSV(dir); err != nil {
		return nil, err
	}
	results := filepath.Join(dir, "results.md")
	if err := safefile.WriteFile(results, []byte(r.Markdown)); err != nil {
		return nil, err
	}
	files := []string{results, filepath.Join(dir, "sweep.csv")}
	if r.Heatmap != nil {
		figs, err := plot.SavePlot(r.Heatmap, filepath.Join(dir, "heatmap"))
		if err != nil {
			return files, err
		}
		files = append(files, figs...)
	}
	return files, nil
}
