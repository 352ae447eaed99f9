package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/eegkit/eegkit/eegkit/benchmark"
	"github.com/eegkit/eegkit/eegkit/mlflow"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

// mlflowFlags are --mlflow and --mlflow-experiment: where runs are logged
// besides their directories (nowhere by default).
type mlflowFlags struct {
	uri, experiment *string
	client          *mlflow.Client
}

// newMLflowFlags adds --mlflow and --mlflow-experiment to fs, their defaults
// read from MLflow's own variables.
func newMLflowFlags(fs *flagSet) *mlflowFlags {
	exp := os.Getenv("MLFLOW_EXPERIMENT_NAME")
	if exp == "" {
		exp = mlflow.DefaultExperiment
	}
	return &mlflowFlags{
		uri:        fs.String("mlflow", os.Getenv("MLFLOW_TRACKING_URI"), "also log each run to this MLflow tracking server (http://host:port): parameters, per-epoch metrics, tags, final metrics, the run's files as artifacts (default $MLFLOW_TRACKING_URI; off when empty)"),
		experiment: fs.String("mlflow-experiment", exp, "the MLflow experiment (created if missing; default $MLFLOW_EXPERIMENT_NAME or eegkit)"),
	}
}

// check makes the client, before anything trains, so a bad URI fails at once.
func (m *mlflowFlags) check() error {
	if *m.uri == "" {
		return nil
	}
	c, err := mlflow.NewClient(*m.uri)
	if err != nil {
		return usageError{fmt.Errorf("--mlflow: %w", err)}
	}
	m.client = c
	return nil
}

// log logs the run saved in dir, if --mlflow asks for it, and says so.
func (m *mlflowFlags) log(ctx context.Context, dir string, stdout io.Writer) error {
	if m.client == nil {
		return nil
	}
	rec, logged, err := mlflow.LogRun(ctx, m.client, dir, mlflow.Options{Experiment: *m.experiment})
	if err != nil {
		return err
	}
	where := fmt.Sprintf("%s/#/experiments/%s/runs/%s", m.client.URI, rec.ExperimentID, rec.RunID)
	if logged {
		fmt.Fprintf(stdout, "logged %s to MLflow: %s\n", dir, where)
	} else {
		fmt.Fprintf(stdout, "%s is already logged to MLflow: %s\n", dir, where)
	}
	return nil
}

// logFold logs a benchmark fold's scores to MLflow, one run per scored
// session (parameters: dataset, evaluation, pipeline, subject, session,
// fold; metrics: score, accuracy, kappa, balanced accuracy, time, training
// and test trials), once: FOLD.json.mlflow records it.
func (m *mlflowFlags) logFold(ctx context.Context, path string, scores []benchmark.Score) error {
	digest, err := safefile.SHA256(path)
	if err != nil {
		return err
	}
	for i, s := range scores {
		name := fmt.Sprintf("%s %s %s s%s f%d", s.Evaluation, s.Pipeline, s.Subject, s.Session, s.Fold)
		params := []mlflow.KeyValue{{Key: "dataset", Value: s.Dataset}, {Key: "evaluation", Value: s.Evaluation}, {Key: "pipeline", Value: s.Pipeline},
			{Key: "subject", Value: s.Subject}, {Key: "session", Value: s.Session}, {Key: "fold", Value: fmt.Sprint(s.Fold)}}
		metrics := []mlflow.Metric{{Key: "score", Value: s.Score}, {Key: "accuracy", Value: s.Accuracy}, {Key: "kappa", Value: s.Kappa},
			{Key: "balanced_accuracy", Value: s.Balanced}, {Key: "time", Value: s.Time}, {Key: "samples", Value: float64(s.Samples)}, {Key: "tested", Value: float64(s.Tested)}}
		rec := fmt.Sprintf("%s.%d.mlflow", path, i)
		if _, _, err := mlflow.LogValues(ctx, m.client, rec, digest, mlflow.Options{Experiment: *m.experiment, RunName: name}, params, metrics); err != nil {
			return err
		}
	}
	return nil
}
