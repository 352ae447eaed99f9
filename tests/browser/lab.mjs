// Helpers of the browser tests: a JupyterLab on a free loopback port serving
// copies of the notebooks, and headless Chromium.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const artifacts = process.env.ARTIFACTS || path.join(root, "runs", "artifacts");
export const token = "eegkit-browser-test";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForServer(url, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`JupyterLab did not answer at ${url}`);
}

// startLab serves copies of notebooks/ (so JupyterLab's autosave never touches
// the committed notebooks, and copies are untrusted, as a handed-in notebook is).
// It returns { url(name), log(), stop() }.
export async function startLab() {
  const port = await freePort();
  const work = mkdtempSync(path.join(tmpdir(), "eegkit-browser-"));
  const nbdir = path.join(work, "notebooks");
  cpSync(path.join(root, "notebooks"), nbdir, { recursive: true });
  const lab = spawn(path.join(root, ".venv/bin/jupyter"), [
    "lab", "--no-browser", "--allow-root", `--ServerApp.ip=127.0.0.1`, `--ServerApp.port=${port}`,
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${nbdir}`,
    "--LabApp.news_url=", "--LabServerApp.extensions_in_dev_mode=False",
  ], { env: { ...process.env, EEGKIT_RUNS: path.join(work, "runs"), EEGKIT_EPOCHS: "1", EEGKIT_ROOT: root, EEGKIT_DATA: path.join(root, "data") }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  lab.stderr.on("data", (d) => { log += d; });
  const stop = async () => {
    // Stop JupyterLab (and its kernel); do not wait long for a clean shutdown.
    const exited = new Promise((resolve) => lab.once("exit", resolve));
    lab.kill("SIGTERM");
    const timer = setTimeout(() => lab.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    lab.stderr.destroy();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, Date.now() + 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  // ?reset: a fresh workspace, not the tabs an earlier test left open.
  return { url: (name) => `http://127.0.0.1:${port}/lab/tree/${name}?token=${token}&reset`, log: () => log, stop };
}

// launchBrowser starts headless Chromium.
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
