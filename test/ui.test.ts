/**
 * The operator UI in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the dashboard of a
 * running hub, sign-in with the token, a test event sent from the UI, the event and the device writes appearing
 * live, the event page with its power plot, and ending the event (devices restored). Screenshots go to
 * test/artifacts/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startApi, type ApiServer } from "../src/api/server.ts";
import type { Hub } from "../src/hub/hub.ts";
import { runDemoBuilding } from "./fixtures/demo-building.ts";
import { memory } from "./fixtures/memory-adapter.ts";
import { scanner } from "./fixtures/scan-adapter.ts";
import { memoryHubConfig, startMemoryHub, tempDir, until } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve(import.meta.dirname, "artifacts");
const WAIT = { timeout: 15_000 };

describe("operator web UI (headless Chromium)", function () {
  this.timeout(90_000);
  const token = "ui-test-token-0123456789";
  let hub: Hub;
  let api: ApiServer;
  let browser: BrowserContext;
  let page: Page;
  let stopBuilding: () => void;
  let profile: ReturnType<typeof tempDir>;
  const problems: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium; .ci/run does)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = tempDir("gridhub-chromium-");
    memory.reset();
    stopBuilding = runDemoBuilding(["ahu-1", "ahu-2"], "meter-1");
    hub = await startMemoryHub({
      site: { id: "demo-site", name: "Demo building" },
      api: { enabled: true, port: 0, token },
      mappings: ["mappings", "demo-mappings"],
      adapters: { ...memoryHubConfig().adapters, scan: { package: "./scan-adapter.ts", config: { probes: 8, found: [3, 6] } } },
      devices: [...memoryHubConfig().devices!, { id: "meter-1", adapter: "mem", table: "meter/memory", address: { id: "meter-1" } }],
    });
    api = await startApi(hub, { powerSampleMs: 500 });
    await until(async () => (await (await fetch(`${api.url}/api/power`)).json()).series.length >= 8, 15_000, "building power history");
    browser = await chromium.launchPersistentContext(profile.dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
      viewport: { width: 1440, height: 1000 },
    });
    page = browser.pages()[0] ?? await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    // failed responses are checked below with their URL; the console only repeats them without it
    page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(`console: ${m.text()}`));
    page.on("response", (r) => r.status() >= 400 && !(r.status() === 401 && r.url().endsWith("/api/session")) && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    page.on("requestfailed", (r) => !r.url().includes("/api/stream") && problems.push(`request failed: ${r.url()}`));
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page) {
      await page.screenshot({ path: resolve(ARTIFACTS, `failed-${this.currentTest.title.replace(/\W+/g, "-")}.png`), fullPage: true });
    }
  });

  after(async () => {
    scanner.reset();
    await browser?.close();
    stopBuilding?.();
    await api?.close();
    await hub?.stop();
    profile?.cleanup();
  });

  it("shows the dashboard: adapters up, building power, devices", async () => {
    await page.goto(`${api.url}/`);
    await page.getByText("Adapters up").waitFor(WAIT);
    await page.locator(".kpi", { hasText: "Adapters up" }).getByText("2 / 2").waitFor(WAIT);
    await page.locator(".kpi", { hasText: "Building power" }).getByText(/\d+(\.\d)? kW/).waitFor(WAIT);
    await page.locator(".chart canvas").first().waitFor(WAIT);
    await page.getByText("live", { exact: true }).waitFor(WAIT);
    assert.equal(await page.locator("#demo-form button[type=submit]").textContent(), "Sign in to send");
  });

  it("signs in with the token (a wrong one is refused)", async () => {
    await page.getByRole("button", { name: "Sign in" }).first().click();
    await page.getByLabel("API token").fill("not-the-token-at-all");
    await page.locator(".modal button[type=submit]").click();
    await page.getByText("The hub refused this token.").waitFor(WAIT);
    await page.getByLabel("API token").fill(token);
    await page.locator(".modal button[type=submit]").click();
    await page.getByText("operator", { exact: true }).waitFor(WAIT);
    assert.equal(await page.locator("#demo-form button[type=submit]").textContent(), "Send test event");
  });

  it("sends a test event; the event and the device writes appear live", async () => {
    await page.locator("#demo-form select[name=preset]").selectOption("shed");
    await page.locator("#demo-form button[type=submit]").click();
    const events = page.locator("#dash-events");
    await events.getByText("decrease consumption (high)").waitFor(WAIT);
    await events.locator(".badge", { hasText: "active" }).first().waitFor(WAIT);
    const actions = page.locator("#dash-actions");
    for (const device of ["ahu-1", "ahu-2"]) await actions.locator("tr", { hasText: device }).filter({ hasText: "zone_setpoint_c" }).first().waitFor(WAIT);
    await actions.locator("tr", { hasText: "fan_speed_pct" }).first().waitFor(WAIT);
    assert.ok(memory.writes.some((w) => w.device === "ahu-1" && w.point === "av3" && w.value === 24 && w.priority === 9), "ahu-1 setpoint written at priority 9");
    await page.locator(".kpi", { hasText: "Active events" }).getByText("1", { exact: true }).waitFor(WAIT);
    // a few samples after the start, so that the plot shows the drop
    const start = Date.now();
    await until(async () => (await (await fetch(`${api.url}/api/power`)).json()).series.filter((s: { at: string }) => Date.parse(s.at) > start).length >= 6,
      15_000, "power samples after the event start");
    await page.screenshot({ path: resolve(ARTIFACTS, "dashboard.png"), fullPage: true });
  });

  it("opens the event: power against the baseline, device actions, results", async () => {
    await page.locator("#dash-events a").first().click();
    const detail = page.locator("#event-detail");
    await detail.getByText("decrease consumption (high)").first().waitFor(WAIT);
    const kpi = (label: string) => detail.locator(".kpi", { has: page.locator(".kpi-label", { hasText: new RegExp(`^${label}$`) }) }).locator(".kpi-value");
    await kpi("Baseline").getByText(/kW/).waitFor(WAIT);
    assert.match(await kpi("Change").textContent() ?? "", /^-\d/, "the shed load shows as a reduction against the baseline");
    await detail.locator(".chart canvas").first().waitFor(WAIT);
    await detail.locator("#event-actions tr", { hasText: "ahu-2" }).first().waitFor(WAIT);
    await detail.getByText("successful").first().waitFor(WAIT);
    await page.screenshot({ path: resolve(ARTIFACTS, "event.png"), fullPage: true });
  });

  it("ends the event from the UI; the devices are released", async () => {
    await page.getByRole("button", { name: "End now" }).click();
    await page.locator("#event-actions tr", { hasText: "relinquish" }).first().waitFor(WAIT);
    await page.locator("#event-detail .badge", { hasText: "completed" }).first().waitFor(WAIT);
    assert.equal(memory.point("ahu-1", "av3").priorities[9], undefined, "priority 9 released");
  });

  it("browses a device's live points, dry-runs a table, shows adapters and the log", async () => {
    await page.goto(`${api.url}/ui/#/devices/meter-1`);
    const row = page.locator("table.points tr", { hasText: "import_w" });
    await row.getByText(/^\d+ W$/).waitFor(WAIT);
    await row.locator(".badge", { hasText: "good" }).waitFor(WAIT);
    await page.screenshot({ path: resolve(ARTIFACTS, "devices.png"), fullPage: true });

    await page.goto(`${api.url}/ui/#/mappings/${encodeURIComponent("ahu/memory")}`);
    await page.locator("#dry-run select[name=target]").selectOption("ahu-1");
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.locator("#dry-run tr", { hasText: "zone_setpoint_c" }).locator("td.strong", { hasText: /^24$/ }).waitFor(WAIT);
    await page.getByText("Nothing was written to any device.").waitFor(WAIT);

    await page.goto(`${api.url}/ui/#/adapters`);
    await page.locator("table tr", { hasText: "mem" }).locator(".badge", { hasText: "up" }).waitFor(WAIT);
    await page.goto(`${api.url}/ui/#/log`);
    await page.locator("table tr", { hasText: "message.publish" }).first().waitFor(WAIT);
    await page.locator("table tr", { hasText: "InstantaneousPower" }).first().waitFor(WAIT);
  });

  it("runs a discovery scan with live progress", async () => {
    scanner.holdAt = 5;
    await page.goto(`${api.url}/ui/#/adapters`);
    const card = page.locator(".card", { hasText: "Discovery · scan" });
    await card.getByRole("button", { name: "Discover devices" }).click();
    await card.getByText("4 / 8 probed").waitFor(WAIT);
    await card.locator(".badge", { hasText: "running" }).waitFor(WAIT);
    await card.locator("tr", { hasText: "meter/scan" }).first().waitFor(WAIT);
    await page.screenshot({ path: resolve(ARTIFACTS, "discovery.png"), fullPage: true });
    scanner.release();
    await card.getByText("8 / 8 probed").waitFor(WAIT);
    await card.locator(".badge", { hasText: "done" }).waitFor(WAIT);
    await card.getByText("adapter: scan").first().waitFor(WAIT);
    assert.deepEqual(problems, [], "no page errors, console errors or failed requests");
  });
});
