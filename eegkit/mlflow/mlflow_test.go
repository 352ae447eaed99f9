package mlflow_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/mlflow"
	"github.com/eegkit/eegkit/eegkit/train"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// fakeServer records what a tracking server is sent (the real server is
// checked by scripts/mlflow_check.sh).
type fakeServer struct {
	mu        sync.Mutex
	calls     []string
	params    map[string]string
	metrics   map[string][]mlflow.Metric
	tags      map[string]string
	artifacts map[string][]byte
	status    string
	proxy     bool // whether runs get an mlflow-artifacts: URI
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	var body map[string]json.RawMessage
	raw, _ := io.ReadAll(r.Body)
	if r.Header.Get("Content-Type") == "application/json" && len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			http.Error(w, "bad json", 400)
			return
		}
	}
	switch {
	case r.URL.Path == "/api/2.0/mlflow/experiments/get-by-name":
		w.WriteHeader(404)
		io.WriteString(w, `{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no experiment"}`)
	case r.URL.Path == "/api/2.0/mlflow/experiments/create":
		io.WriteString(w, `{"experiment_id":"7"}`)
	case r.URL.Path == "/api/2.0/mlflow/runs/create":
		var tags []mlflow.KeyValue
		json.Unmarshal(body["tags"], &tags)
		for _, t := range tags {
			f.tags[t.Key] = t.Value
		}
		uri := "/tmp/not/proxied"
		if f.proxy {
			uri = "mlflow-artifacts:/7/abc/artifacts"
		}
		io.WriteString(w, `{"run":{"info":{"run_id":"abc","artifact_uri":"`+uri+`"}}}`)
	case r.URL.Path == "/api/2.0/mlflow/runs/log-batch":
		var ms []mlflow.Metric
		var ps []mlflow.KeyValue
		if string(body["metrics"]) == "null" || string(body["params"]) == "null" || string(body["tags"]) == "null" {
			http.Error(w, "null list", 500) // what mlflow server does with one
			return
		}
		json.Unmarshal(body["metrics"], &ms)
		json.Unmarshal(body["params"], &ps)
		for _, m := range ms {
			f.metrics[m.Key] = append(f.metrics[m.Key], m)
		}
		for _, p := range ps {
			f.params[p.Key] = p.Value
		}
		io.WriteString(w, `{}`)
	case r.URL.Path == "/api/2.0/mlflow/runs/update":
		json.Unmarshal(body["status"], &f.status)
		io.WriteString(w, `{}`)
	case strings.HasPrefix(r.URL.Path, "/api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/") && r.Method == http.MethodPut:
		f.artifacts[strings.TrimPrefix(r.URL.Path, "/api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/")] = raw
		io.WriteString(w, `{}`)
	default:
		http.Error(w, "unexpected "+r.URL.Path, 404)
	}
}

func newFake(proxy bool) *fakeServer {
	return &fakeServer{params: map[string]string{}, metrics: map[string][]mlflow.Metric{}, tags: map[string]string{}, artifacts: map[string][]byte{}, proxy: proxy}
}

// fakeClient is a client of a fake server with an artifact proxy, closed
// with the test.
func fakeClient(t *testing.T) (*fakeServer, *mlflow.Client) {
	t.Helper()
	f := newFake(true)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := mlflow.NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func TestLogRun(t *testing.T) {
	data := synthtest.Small(t)
	dir := filepath.Join(t.TempDir(), "run")
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 2, Batch: 32, LR: 1e-3, Seed: 1, ValFraction: 0.25, Select: train.SelectValLoss}
	run, err := train.Fit(context.Background(), cfg, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Save(dir); err != nil {
		t.Fatal(err)
	}
	f, c := fakeClient(t)
	rec, logged, err := mlflow.LogRun(context.Background(), c, dir, mlflow.Options{})
	if err != nil || !logged || rec.RunID != "abc" || rec.ExperimentID != "7" {
		t.Fatalf("LogRun: %+v %v %v", rec, logged, err)
	}
	if f.params["model"] != "eegnet" || f.params["batch"] != "32" || f.params["lr"] != "0.001" || f.params["val_fraction"] != "0.25" {
		t.Errorf("params %v", f.params)
	}
	for _, key := range []string{"train_loss", "train_acc", "val_loss", "val_acc", "test_acc"} {
		h := f.metrics[key]
		if len(h) != 2 || h[0].Step != 1 || h[1].Step != 2 {
			t.Errorf("%s history %+v, want epochs 1 and 2", key, h)
		}
	}
	if got := f.metrics["val_acc"][1].Value; got != run.History[1].ValAcc {
		t.Errorf("val_acc of epoch 2: %g, run.json %g", got, run.History[1].ValAcc)
	}
	if got := f.metrics["final_test_kappa"]; len(got) != 1 || got[0].Value != run.Test.Value("kappa") {
		t.Errorf("final_test_kappa %+v, want %g", got, run.Test.Value("kappa"))
	}
	if f.tags["eegkit.data_id"] != run.DataID || f.tags["mlflow.runName"] != "run" || f.status != "FINISHED" {
		t.Errorf("tags %v, status %q", f.tags, f.status)
	}
	want, _ := os.ReadFile(filepath.Join(dir, train.RunFile))
	if string(f.artifacts[train.RunFile]) != string(want) || len(f.artifacts[train.WeightsFile]) == 0 {
		t.Errorf("artifacts %d files; run.json %d bytes", len(f.artifacts), len(f.artifacts[train.RunFile]))
	}
	// Logged once: a second call sends nothing.
	n := len(f.calls)
	if _, logged, err := mlflow.LogRun(context.Background(), c, dir, mlflow.Options{}); err != nil || logged || len(f.calls) != n {
		t.Errorf("logging again: logged %v, %d more calls, %v", logged, len(f.calls)-n, err)
	}
	// A server that does not proxy artifacts: a clear error, and the run is marked failed.
	f2 := newFake(false)
	srv2 := httptest.NewServer(f2)
	defer srv2.Close()
	c2, _ := mlflow.NewClient(srv2.URL)
	if _, _, err := mlflow.LogRun(context.Background(), c2, dir, mlflow.Options{}); err == nil || !strings.Contains(err.Error(), "--serve-artifacts") || f2.status != "FAILED" {
		t.Errorf("a server without an artifact proxy: %v (status %q)", err, f2.status)
	}
}

func TestNewClient(t *testing.T) {
	for _, tc := range []struct {
		uri string
		ok  bool
	}{
		{"http://127.0.0.1:5000", true},
		{"https://mlflow.example.org/", true},
		{"file:///tmp/mlruns", false},
		{"databricks", false},
		{"127.0.0.1:5000", false},
	} {
		c, err := mlflow.NewClient(tc.uri)
		if (err == nil) != tc.ok {
			t.Errorf("NewClient(%q): %v", tc.uri, err)
		}
		if err == nil && strings.HasSuffix(c.URI, "/") {
			t.Errorf("NewClient(%q).URI = %q keeps the slash", tc.uri, c.URI)
		}
	}
	c, _ := mlflow.NewClient("http://127.0.0.1:1") // nothing listens there
	if _, err := c.Experiment(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "is it running?") {
		t.Errorf("an unreachable server: %v", err)
	}
}

// TestNotMLflow: a server that is not MLflow (a web server answering 404
// with an HTML page) gets one line saying so, not its page.
func TestNotMLflow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!DOCTYPE html>\n<html>\n<head><title>404</title></head>\n<body>\n<h1>Not Found</h1>\n<p>nothing here</p>\n</body>\n</html>\n")
	}))
	defer srv.Close()
	c, _ := mlflow.NewClient(srv.URL)
	_, err := c.Experiment(context.Background(), "x")
	if err == nil || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "<html>") ||
		!strings.Contains(err.Error(), "answered 404 Not Found to the MLflow REST API") || !strings.Contains(err.Error(), "is it an MLflow tracking server?") {
		t.Errorf("a server that is not MLflow: %q", err)
	}
}

// TestLogValues logs a benchmark fold's parameters and metrics as one run,
// records it, and sends nothing the second time; a changed digest logs anew.
func TestLogValues(t *testing.T) {
	f, c := fakeClient(t)
	rec := filepath.Join(t.TempDir(), "S01_1_f0.json.0.mlflow")
	params := []mlflow.KeyValue{{Key: "pipeline", Value: "csp"}, {Key: "subject", Value: "S01"}}
	metrics := []mlflow.Metric{{Key: "score", Value: 0.875}}
	r, logged, err := mlflow.LogValues(context.Background(), c, rec, "d1", mlflow.Options{Experiment: "eegkit-bench", RunName: "csp S01"}, params, metrics)
	if err != nil || !logged || r.RunID != "abc" || f.params["pipeline"] != "csp" || f.metrics["score"][0].Value != 0.875 || f.status != "FINISHED" {
		t.Fatalf("LogValues: %+v %v %v; params %v metrics %v status %q", r, logged, err, f.params, f.metrics, f.status)
	}
	n := len(f.calls)
	if _, logged, err := mlflow.LogValues(context.Background(), c, rec, "d1", mlflow.Options{RunName: "csp S01"}, params, metrics); err != nil || logged || len(f.calls) != n {
		t.Errorf("logging the same again: logged %v, %d calls, %v", logged, len(f.calls)-n, err)
	}
	if _, logged, err := mlflow.LogValues(context.Background(), c, rec, "d2", mlflow.Options{RunName: "csp S01"}, params, metrics); err != nil || !logged {
		t.Errorf("logging a changed fold: logged %v, %v", logged, err)
	}
}
