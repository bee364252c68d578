// Staff pages: the staff key is typed once, kept in sessionStorage (gone when the tab closes),
// and sent by fetch as a bearer header. No cookie, no server session.
const KEY = "cnrms.staffKey";

export function staffKey() { return sessionStorage.getItem(KEY); }

export function forgetKey() { sessionStorage.removeItem(KEY); }

// Shows the key form when no key is kept; resolves once a key is known.
export function requireKey() {
  const existing = staffKey();
  if (existing) return Promise.resolve(existing);
  const dialog = document.getElementById("staff-key-form");
  dialog.hidden = false;
  document.getElementById("staff-key").focus();
  return new Promise(resolve => {
    dialog.addEventListener("submit", event => {
      event.preventDefault();
      const value = document.getElementById("staff-key").value.trim();
      if (!value) return;
      sessionStorage.setItem(KEY, value);
      dialog.hidden = true;
      resolve(value);
    }, { once: true });
  });
}

// fetch with the staff key; a 401 forgets the key and asks again.
export async function api(path, options = {}) {
  const key = await requireKey();
  const headers = new Headers(options.headers || {});
  headers.set("Authorization", "Bearer " + key);
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    options = { ...options, body: JSON.stringify(options.json) };
  }
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    forgetKey();
    showMessage("Clé d'accès refusée : saisissez-la de nouveau.", "danger");
    await requireKey();
    return api(path, options);
  }
  return response;
}

// A problem+json answer turned into French text, each field named.
export async function problemText(response) {
  try {
    const problem = await response.json();
    const parts = [problem.title || "Erreur", problem.detail || ""];
    for (const [field, messages] of Object.entries(problem.errors || {})) parts.push(field + " : " + messages.join(" "));
    return parts.filter(Boolean).join(" — ");
  } catch { return "Erreur " + response.status; }
}

export function showMessage(text, kind = "ok") {
  const box = document.getElementById("staff-message");
  box.className = "notice " + kind;
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

document.addEventListener("click", event => {
  if (event.target.closest("[data-forget-key]")) { forgetKey(); location.reload(); }
});
