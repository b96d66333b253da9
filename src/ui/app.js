// The operator UI: a header with the site, the pages and the sign-in state; pages chosen by the URL hash.
import { html, render } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { api, auth } from "./lib/api.js";
import { startLive, useLive, useSignedIn } from "./lib/live.js";
import { parseHash } from "./lib/route.js";
import { LoginDialog } from "./components/login.js";
import { Dashboard } from "./pages/dashboard.js";
import { Devices } from "./pages/devices.js";
import { Events } from "./pages/events.js";
import { Mappings } from "./pages/mappings.js";
import { Adapters } from "./pages/adapters.js";
import { Log } from "./pages/log.js";

const PAGES = [
  { path: "dashboard", label: "Dashboard", component: Dashboard },
  { path: "devices", label: "Devices", component: Devices },
  { path: "events", label: "Events", component: Events },
  { path: "mappings", label: "Mappings", component: Mappings },
  { path: "adapters", label: "Adapters", component: Adapters },
  { path: "log", label: "Log", component: Log },
];

function route() {
  const { page, arg } = parseHash();
  return { page: PAGES.some((p) => p.path === page) ? page : "dashboard", arg };
}

function Header({ current, site, onSignIn }) {
  const connected = useLive((s) => s.connected);
  const adapters = useLive((s) => s.adapters);
  const signedIn = useSignedIn();
  const down = Object.values(adapters).filter((a) => a.state !== "up").length;
  return html`<header class="topbar">
    <div class="brand"><span class="logo" aria-hidden="true">⚡</span> gridhub ${site && html`<span class="site">${site.name ?? site.id}</span>`}</div>
    <nav>${PAGES.map((p) => html`<a href=${`#/${p.path}`} class=${p.path === current ? "current" : ""}>${p.label}${p.path === "adapters" && down > 0 ? html` <span class="count bad">${down}</span>` : ""}</a>`)}</nav>
    <div class="session">
      <span class=${`live ${connected ? "on" : "off"}`} title=${connected ? "receiving live updates" : "reconnecting to the hub"}>${connected ? "live" : "offline"}</span>
      ${signedIn
        ? html`<span class="who">operator</span><button class="ghost small" onClick=${() => auth.signOut()}>Sign out</button>`
        : html`<button class="primary small" onClick=${onSignIn}>Sign in</button>`}
    </div>
  </header>`;
}

function App() {
  const [where, setWhere] = useState(route());
  const [login, setLogin] = useState(false);
  const [site, setSite] = useState();
  useEffect(() => {
    const on = () => setWhere(route());
    addEventListener("hashchange", on);
    api.get("/health").then((h) => {
      setSite(h.site);
      document.title = `gridhub · ${h.site.name ?? h.site.id}`;
    }, () => undefined);
    return () => removeEventListener("hashchange", on);
  }, []);
  const Page = PAGES.find((p) => p.path === where.page).component;
  return html`
    <${Header} current=${where.page} site=${site} onSignIn=${() => setLogin(true)} />
    <main><${Page} arg=${where.arg} site=${site?.id} requireSignIn=${() => setLogin(true)} /></main>
    ${login && html`<${LoginDialog} onClose=${() => setLogin(false)} />`}`;
}

startLive();
render(html`<${App} />`, document.getElementById("app"));
