package train

// Version is eegkit's version, printed by `eegkit --version` and recorded
// in every run.json (semantic versioning; "-dev" between releases).
const Version = "0.4.0-dev"
