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
// the committed notebooks, and copies are untrusted, as a handed-in notebook is)
// from a scratch root that also holds the run store, runs/, as scripts/notebooks.sh
// serves the repository. It returns { url(name), work, log(), stop() }.
export async function startLab() {
  const port = await freePort();
  const work = mkdtempSync(path.join(tmpdir(), "eegkit-browser-"));
  const nbdir = path.join(work, "notebooks");
  cpSync(path.join(root, "notebooks"), nbdir, { recursive: true });
  const lab = spawn(path.join(root, ".venv/bin/jupyter"), [
    "lab", "--no-browser", "--allow-root", `--ServerApp.ip=127.0.0.1`, `--ServerApp.port=${port}`,
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${work}`,
    "--LabApp.news_url=", "--LabServerApp.extensions_in_dev_mode=False",
  ], { env: { ...process.env, EEGKIT_RUNS: path.join(work, "runs", "lab"), EEGKIT_EPOCHS: "1", EEGKIT_ROOT: root, EEGKIT_DATA: path.join(root, "data") }, stdio: ["ignore", "ignore", "pipe"] });
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
  return { url: (name) => `http://127.0.0.1:${port}/lab/tree/notebooks/${name}?token=${token}&reset`, work, log: () => log, stop };
}

// launchBrowser starts headless Chromium.
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// openNotebook opens a notebook, clears its committed outputs and execution
// counts (Edit → Clear Outputs of All Cells, so that a prompt's count proves the
// cell ran in this session) and waits until its GoNB kernel has answered
// JupyterLab's kernel_info_request on the websocket (GoNB sends no status at
// start-up, so the status bar says "Unknown" until a cell has run, and a cell
// run before the kernel answered stays queued). It returns the code cells.
export async function openNotebook(page, lab, name) {
  let kernelReady;
  const ready = new Promise((resolve) => { kernelReady = resolve; });
  page.on("websocket", (ws) => {
    if (!ws.url().includes("/api/kernels/")) return;
    ws.on("framereceived", (f) => {
      const text = typeof f.payload === "string" ? f.payload : f.payload.toString("latin1");
      if (text.includes("kernel_info_reply")) kernelReady();
    });
  });
  await page.goto(lab.url(name));
  await page.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: 120_000 });
  let timer;
  await Promise.race([ready, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("the GoNB kernel did not answer in 120 s")), 120_000);
  })]);
  clearTimeout(timer);
  await page.waitForTimeout(2000);
  await page.locator(".lm-MenuBar-item", { hasText: "Edit" }).click();
  await page.locator(".lm-Menu-item", { hasText: "Clear Outputs of All Cells" }).click();
  await page.waitForFunction(() => [...document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputPrompt")]
    .every((p) => !/\d/.test(p.textContent)), null, { timeout: 30_000 });
  page.eegkitCount = 0; // the kernel's execution count: cells run here, one at a time
  return page.locator(".jp-Notebook .jp-CodeCell");
}

// runCell runs code cell i with Shift+Enter, waits until its prompt shows the
// kernel's next execution count ("[n]": it ran, and finished) and returns its
// output text.
export async function runCell(page, cells, i, timeout = 300_000) {
  const want = `[${++page.eegkitCount}]`;
  await cells.nth(i).locator(".jp-InputArea-editor").click();
  await page.keyboard.press("Shift+Enter");
  await page.waitForFunction(([i, want]) => {
    const p = document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputPrompt")[i];
    return p && p.textContent.includes(want);
  }, [i, want], { timeout });
  return (await cells.nth(i).locator(".jp-OutputArea-output").allInnerTexts()).join("\n");
}
