package mlflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to one MLflow tracking server.
type Client struct {
	URI  string // the tracking server, e.g. http://127.0.0.1:5000
	HTTP *http.Client
}

// NewClient checks uri (an http or https URL: MLflow's other tracking URIs,
// file stores and databricks, are not REST servers) and returns its client.
func NewClient(uri string) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("MLflow tracking URI %q: want the http(s) address of a tracking server (mlflow server), e.g. http://127.0.0.1:5000", uri)
	}
	return &Client{URI: strings.TrimRight(u.String(), "/"), HTTP: &http.Client{Timeout: 60 * time.Second}}, nil
}

// apiError is an error response of the server.
type apiError struct {
	Status  int
	Code    string `json:"error_code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("MLflow server: %d %s: %s", e.Status, e.Code, e.Message)
}

// call sends a JSON request to an endpoint of the REST API (path below
// /api/2.0/mlflow/) and decodes the JSON answer into out (if not nil).
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URI+"/api/2.0/mlflow/"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, out)
}

func (c *Client) do(req *http.Request, out any) error {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("MLflow server %s: %w (is it running? start one with: mlflow server --host 127.0.0.1 --port 5000)", c.URI, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(raw, e) != nil || e.Message == "" {
			// not MLflow's JSON error (a web page, a proxy's answer): its body says nothing useful in one line
			return fmt.Errorf("%s answered %s to the MLflow REST API (%s %s): is it an MLflow tracking server?", c.URI, resp.Status, req.Method, req.URL.Path)
		}
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, e)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not MLflow's JSON (%v); is %s an MLflow tracking server?", req.Method, req.URL.Path, err, c.URI)
	}
	return nil
}

// Experiment returns the id of the experiment called name, creating it if
// the server has none.
func (c *Client) Experiment(ctx context.Context, name string) (string, error) {
	var got struct {
		Experiment struct {
			ID string `json:"experiment_id"`
		} `json:"experiment"`
	}
	err := c.call(ctx, http.MethodGet, "experiments/get-by-name?experiment_name="+url.QueryEscape(name), nil, &got)
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == "RESOURCE_DOES_NOT_EXIST" {
		var created struct {
			ID string `json:"experiment_id"`
		}
		if err := c.call(ctx, http.MethodPost, "experiments/create", map[string]string{"name": name}, &created); err != nil {
			return "", err
		}
		return created.ID, nil
	}
	return got.Experiment.ID, err
}

// KeyValue is an MLflow parameter or tag.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Metric is one value of an MLflow metric at a step.
type Metric struct {
	Key       string  `json:"key"`
	Value     float64 `json:"value"`
	Timestamp int64   `json:"timestamp"` // milliseconds since the epoch
	Step      int64   `json:"step"`
}

// RunInfo is what the server says of a created run.
type RunInfo struct {
	ID          string `json:"run_id"`
	ArtifactURI string `json:"artifact_uri"`
}

// CreateRun starts a run in an experiment.
func (c *Client) CreateRun(ctx context.Context, experimentID, name string, start time.Time, tags []KeyValue) (RunInfo, error) {
	var got struct {
		Run struct {
			Info RunInfo `json:"info"`
		} `json:"run"`
	}
	err := c.call(ctx, http.MethodPost, "runs/create", map[string]any{
		"experiment_id": experimentID, "run_name": name, "start_time": start.UnixMilli(), "tags": tags,
	}, &got)
	return got.Run.Info, err
}

// The REST API's limits on one log-batch request.
const (
	maxBatchMetrics = 1000
	maxBatchParams  = 100
	maxBatchTags    = 100
)

// LogBatch logs metrics, parameters and tags to a run, in as many requests
// as the API's limits per request need.
func (c *Client) LogBatch(ctx context.Context, runID string, metrics []Metric, params, tags []KeyValue) error {
	for len(metrics) > 0 || len(params) > 0 || len(tags) > 0 {
		m, p, t := min(len(metrics), maxBatchMetrics), min(len(params), maxBatchParams), min(len(tags), maxBatchTags)
		// Empty lists, not null: the server iterates over each.
		if err := c.call(ctx, http.MethodPost, "runs/log-batch", map[string]any{
			"run_id": runID, "metrics": append([]Metric{}, metrics[:m]...), "params": append([]KeyValue{}, params[:p]...), "tags": append([]KeyValue{}, tags[:t]...),
		}, nil); err != nil {
			return err
		}
		metrics, params, tags = metrics[m:], params[p:], tags[t:]
	}
	return nil
}

// EndRun marks a run finished (status "FINISHED") or failed ("FAILED").
func (c *Client) EndRun(ctx context.Context, runID, status string, end time.Time) error {
	return c.call(ctx, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": status, "end_time": end.UnixMilli()}, nil)
}

// UploadArtifact stores data as the artifact path (relative to the run's
// artifact root) of a run whose artifact URI is an MLflow artifact proxy's
// (mlflow-artifacts:/…), with a PUT to the server's artifact API.
func (c *Client) UploadArtifact(ctx context.Context, run RunInfo, path string, data []byte) error {
	root, ok := strings.CutPrefix(run.ArtifactURI, "mlflow-artifacts:")
	if !ok {
		return fmt.Errorf("the run's artifact store is %s, which this server does not proxy: start mlflow server with --serve-artifacts (the default since MLflow 2) to receive artifacts over HTTP", run.ArtifactURI)
	}
	if i := strings.Index(root, "//"); i == 0 { // mlflow-artifacts://host:port/path names the proxy's host
		if j := strings.Index(root[2:], "/"); j >= 0 {
			root = root[2+j:]
		}
	}
	u := c.URI + "/api/2.0/mlflow-artifacts/artifacts/" + strings.Trim(root, "/") + "/" + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	return c.do(req, nil)
}
