// Sign-in with the hub's API token: checked against /api/session, then kept for this browser tab only.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { auth } from "../lib/api.js";

export function LoginDialog({ onClose }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState();
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch("/api/session", { headers: { authorization: `Bearer ${token.trim()}` } });
      if (!res.ok) throw new Error(res.status === 401 ? "The hub refused this token." : `The hub answered ${res.status}.`);
      auth.signIn(token.trim());
      onClose();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="modal-backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <form class="modal" onSubmit=${submit} aria-label="Sign in">
      <h2>Sign in</h2>
      <p class="muted">Actions that change something (sending an event, reading devices now, a dry run, discovery) need the hub's
        API token: <code>api.token</code> in the hub config, or the file <code>data/api-token</code> next to the hub's store.</p>
      <label>API token
        <input type="password" name="token" autocomplete="off" autofocus value=${token} onInput=${(e) => setToken(e.target.value)} required />
      </label>
      ${error && html`<div class="error-note" role="alert">${error}</div>`}
      <p class="muted small">The token is kept in this tab's session storage and forgotten when the tab closes.</p>
      <div class="row end">
        <button type="button" class="ghost" onClick=${onClose}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy || !token.trim()}>Sign in</button>
      </div>
    </form>
  </div>`;
}
