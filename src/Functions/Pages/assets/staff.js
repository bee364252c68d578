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

// A problem+json answer turned into French text, each field named (by its label when `inputFor`
// finds the field's input on the page).
export async function problemText(response, inputFor = () => null) {
  return problemMessage(await response.json().catch(() => null), response.status, inputFor);
}

function problemMessage(problem, status, inputFor) {
  if (!problem || typeof problem !== "object") return "Erreur " + status;
  const parts = [problem.title || "Erreur", problem.detail || ""];
  for (const [field, messages] of Object.entries(problem.errors || {})) parts.push(fieldName(field, inputFor) + " : " + messages.join(" "));
  return parts.filter(Boolean).join(" — ");
}

function fieldName(field, inputFor) {
  return inputFor(field)?.labels?.[0]?.textContent.trim() || field;
}

// As on the public form: a 400's French error for each field shown above its input (found by
// inputFor(field)), linked by aria-describedby and aria-invalid, focus on the first; the message
// names the fields by their labels. Other answers go to the message only. Earlier errors of the form
// are cleared first.
export async function showProblem(response, form, inputFor) {
  clearFieldErrors(form);
  // The body is read once, for the fields (a 400 only) and for the message.
  const problem = await response.json().catch(() => null);
  let first = null;
  for (const [field, messages] of Object.entries(response.status === 400 ? problem?.errors || {} : {})) {
    const input = inputFor(field);
    if (!input) continue;
    const error = Object.assign(document.createElement("p"), { className: "field-error", id: input.id + "-error" });
    error.innerHTML = `<span class="visually-hidden">Erreur : </span>${escapeHtml(messages.join(" "))}`;
    (input.closest("label") || input).before(error);
    input.setAttribute("aria-invalid", "true");
    describedBy(input, error.id, true);
    first ??= input;
  }
  showMessage(problemMessage(problem, response.status, inputFor), "danger");
  first?.focus();
}

export function clearFieldErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) { input.removeAttribute("aria-invalid"); describedBy(input, input.id + "-error", false); }
}

function describedBy(input, id, add) {
  const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(x => x && x !== id).concat(add ? [id] : []);
  if (ids.length) input.setAttribute("aria-describedby", ids.join(" ")); else input.removeAttribute("aria-describedby");
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
