// Package mlflow logs eegkit runs to an MLflow tracking server over its
// REST API (https://mlflow.org/docs/latest/rest-api.html), so a lab that
// already tracks its experiments in MLflow sees eegkit's runs there:
// parameters (the training configuration), per-epoch metrics (loss and
// accuracies, validation included, with the epoch as the step), tags
// (model, protocol, data and its content hash, eegkit's version), the final
// test metrics of the kept model, and the run directory's files as
// artifacts (through the server's artifact proxy, mlflow server's default
// since MLflow 2).
//
// Logging is off unless asked for (--mlflow URI, or MLFLOW_TRACKING_URI);
// the run directory stays the record of a run. A run directory that was
// logged keeps the MLflow run's id in mlflow.json, so logging it again to
// the same server does nothing.
package mlflow
