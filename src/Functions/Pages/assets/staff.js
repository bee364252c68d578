// Staff pages: the staff key is typed once, kept in sessionStorage (gone when the tab closes),
// and sent by fetch as a bearer header. No cookie, no server session.
// Markup is built with h(), which sets text as text: nothing read from the API is ever parsed as HTML.
const KEY = "cnrms.staffKey";
const REFUSED = "Clé d'accès refusée\u00a0: saisissez-la de nouveau.";

export function staffKey() { return sessionStorage.getItem(KEY); }

export function forgetKey() { sessionStorage.removeItem(KEY); }

// h("td", { class: "x", "data-id": id }, "text", otherNode): an element; strings become text nodes,
// null, undefined and false children are left out, arrays are flattened.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") element.textContent = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false).map(c => c instanceof Node ? c : String(c)));
  return element;
}

// French plurals: 0 and 1 are singular ("0 place", "1 place", "2 places").
const rules = new Intl.PluralRules("fr-FR");
export function number(n) { return Number(n).toLocaleString("fr-FR"); }
export function plural(n, singular, pluralForm = singular + "s") {
  return number(n) + "\u00a0" + (rules.select(n) === "one" ? singular : pluralForm);
}

// Saves a fetched file (an export read with a key, which a plain link cannot send) under the name its
// Content-Disposition gives, or `fallback`.
export async function saveFile(response, fallback) {
  const name = (response.headers.get("Content-Disposition") || "").match(/filename=([^;]+)/)?.[1]?.replace(/"/g, "") || fallback;
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(await response.blob()), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  // Later: some browsers abort a download whose URL is revoked at once.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

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

// fetch with the staff key; a 401 forgets the key and asks again, and the refusal goes once the
// key typed next is accepted.
export async function api(path, options = {}) {
  const key = await requireKey();
  const headers = new Headers(options.headers || {});
  headers.set("Authorization", "Bearer " + key);
  let init = { ...options, headers };
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    init = { ...init, body: JSON.stringify(options.json) };
  }
  delete init.json;
  const response = await fetch(path, init);
  if (response.status === 401) {
    forgetKey();
    showMessage(REFUSED, "danger");
    await requireKey();
    const again = await api(path, options);
    if (again.status !== 401) hideMessage(REFUSED);
    return again;
  }
  return response;
}

// A problem+json answer turned into French text, each field named by its label when `inputFor`
// finds the field's input on the page (or by the input's data-label).
export async function problemText(response, inputFor = () => null) {
  return problemMessage(await response.json().catch(() => null), response.status, inputFor);
}

function problemMessage(problem, status, inputFor) {
  if (!problem || typeof problem !== "object") return "Erreur " + status;
  const parts = [problem.title || "Erreur", problem.detail || ""];
  for (const [field, messages] of Object.entries(problem.errors || {})) parts.push(fieldName(field, inputFor) + "\u00a0: " + messages.join(" "));
  return parts.filter(Boolean).join(" — ");
}

export function fieldName(field, inputFor = () => null) {
  const input = inputFor(field);
  return input?.dataset?.label || input?.labels?.[0]?.textContent.trim() || input?.querySelector?.("legend")?.textContent.trim() || field;
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
    const error = h("p", { class: "field-error", id: input.id + "-error" }, h("span", { class: "visually-hidden" }, "Erreur\u00a0: "), messages.join(" "));
    (input.closest("label") || input).before(error);
    input.setAttribute("aria-invalid", "true");
    describedBy(input, error.id, true);
    first ??= input;
  }
  showMessage(problemMessage(problem, response.status, inputFor), "danger");
  (first?.matches("fieldset") ? first.querySelector("input, select, textarea, button") : first)?.focus();
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

// Hides the message area, or only while it still says `text`.
export function hideMessage(text) {
  const box = document.getElementById("staff-message");
  if (text === undefined || box.textContent === text) { box.hidden = true; box.textContent = ""; }
}

// Copies the value of the input named by a button's data-copy, and says so next to the button.
export async function copyField(button) {
  const input = document.getElementById(button.dataset.copy);
  try { await navigator.clipboard.writeText(input.value); }
  catch { input.select(); document.execCommand("copy"); }
  const label = button.textContent;
  button.textContent = "Lien copié";
  setTimeout(() => { button.textContent = label; }, 2000);
}

// Dates as a person reads them, in Paris time.
export function parisDateTime(iso) {
  return new Date(iso).toLocaleString("fr-FR", { timeZone: "Europe/Paris", dateStyle: "medium", timeStyle: "short" });
}

document.addEventListener("click", event => {
  if (event.target.closest("[data-forget-key]")) { forgetKey(); location.reload(); }
  const copy = event.target.closest("[data-copy]");
  if (copy) copyField(copy);
});
