// The staff newsletter page (StaffNewsletterPage): issues by month, the Markdown editor, images,
// preview, test, ready/draft, and the campaign's progress while it sends.
import { api, h, plural, parisDateTime, problemText, showMessage, showProblem } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);
const base = "/api/manage/newsletter/issues";
const fields = { month: $("is-month"), subject: $("is-subject"), body: $("is-body") };
const form = $("issue-form");
let current = null; // the issue open in the editor, as the API last answered it
let polling = null;

async function loadIssues() {
  const response = await api(base);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const issues = await response.json();
  const columns = ["Mois", "Objet", "État", "Action"];
  $("issues").replaceChildren(...(issues.length ? issues.map(i => h("tr", {},
    h("td", { "data-label": columns[0] }, i.label),
    h("td", { "data-label": columns[1] }, i.subject || "(sans objet)"),
    h("td", { "data-label": columns[2] }, i.statusLabel + (i.sentAt ? " le " + parisDateTime(i.sentAt) : "")),
    h("td", { "data-label": columns[3] }, h("button", { type: "button", class: "secondary small", "data-open": i.month, "aria-label": "Ouvrir le numéro de " + i.label }, "Ouvrir"))))
    : [h("tr", {}, h("td", { colspan: 4 }, "Aucun numéro pour l'instant."))]));
}

function show(issue) {
  current = issue;
  fields.month.value = issue.month;
  fields.subject.value = issue.subject;
  fields.body.value = issue.body;
  const locked = issue.status === "Sending" || issue.status === "Sent";
  for (const input of Object.values(fields)) input.readOnly = locked;
  $("is-status").textContent = "État\u00a0: " + issue.statusLabel + (issue.readyAt && issue.status === "Ready" ? " (depuis le " + parisDateTime(issue.readyAt) + ")" : "");
  $("is-save").hidden = locked;
  $("is-ready").hidden = locked || issue.status === "Ready";
  $("is-draft").hidden = issue.status !== "Ready";
  $("is-delete").hidden = locked;
  $("campaign").hidden = !locked;
  if (locked) followCampaign(issue.month);
}

async function open(month) {
  const response = await api(`${base}/${encodeURIComponent(month)}`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  show(await response.json());
  $("preview").hidden = true;
  fields.subject.focus();
}

const inputFor = field => fields[field] || (field === "to" ? $("ts-to") : null);

async function save() {
  const month = fields.month.value;
  const response = await api(`${base}/${encodeURIComponent(month || "-")}`, { method: "PUT", json: { subject: fields.subject.value, body: fields.body.value } });
  if (!response.ok) { await showProblem(response, form, inputFor); return false; }
  show(await response.json());
  await loadIssues();
  return true;
}

form.addEventListener("submit", async event => {
  event.preventDefault();
  if (await save()) showMessage("Numéro enregistré (brouillon).", "ok");
});

$("is-ready").addEventListener("click", async () => {
  if (!await save()) return;
  const response = await api(`${base}/${encodeURIComponent(fields.month.value)}/ready`, { method: "POST" });
  if (!response.ok) { await showProblem(response, form, inputFor); return; }
  show(await response.json());
  await loadIssues();
  showMessage("Numéro prêt\u00a0: il partira au prochain jour d'envoi de son mois.", "ok");
});

$("is-draft").addEventListener("click", async () => {
  const response = await api(`${base}/${encodeURIComponent(fields.month.value)}/ready`, { method: "DELETE" });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  show(await response.json());
  await loadIssues();
  showMessage("Numéro repassé en brouillon\u00a0: il ne partira pas.", "ok");
});

$("is-delete").addEventListener("click", async () => {
  if (!confirm("Supprimer ce brouillon\u00a0?")) return;
  const response = await api(`${base}/${encodeURIComponent(fields.month.value)}`, { method: "DELETE" });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  form.reset();
  current = null;
  $("preview").hidden = true;
  await loadIssues();
  showMessage("Brouillon supprimé.", "ok");
});

$("is-preview").addEventListener("click", async () => {
  if (!current || current.status === "Draft" || current.status === "Ready") { if (!await save()) return; }
  const response = await api(`${base}/${encodeURIComponent(fields.month.value)}/preview`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const preview = await response.json();
  $("preview-subject").textContent = preview.subject;
  $("preview-problems").replaceChildren(...(preview.problems.length
    ? [h("div", { class: "notice danger" }, h("p", {}, "À corriger avant de marquer le numéro prêt\u00a0:"), h("ul", {}, preview.problems.map(p => h("li", {}, p))))]
    : []));
  // pageHtml is rendered by the platform from the Markdown (raw HTML disabled, links and images
  // checked, no style attribute): the same HTML the public archive page embeds.
  const body = new DOMParser().parseFromString(preview.pageHtml, "text/html").body;
  $("preview-body").replaceChildren(...body.childNodes);
  $("preview-text").textContent = preview.text;
  $("preview").hidden = false;
  $("preview-title").scrollIntoView();
});

$("test-form").addEventListener("submit", async event => {
  event.preventDefault();
  const to = $("ts-to").value.split(/[\s,;]+/).filter(Boolean);
  const response = await api(`${base}/${encodeURIComponent(fields.month.value)}/test`, { method: "POST", json: { to } });
  if (!response.ok) { await showProblem(response, $("test-form"), inputFor); return; }
  showMessage("Test envoyé à " + plural(to.length, "adresse") + ".", "ok");
});

$("image-form").addEventListener("submit", async event => {
  event.preventDefault();
  const file = $("im-file").files[0];
  if (!file) { showMessage("Choisissez une image.", "danger"); return; }
  const response = await api(`/api/manage/newsletter/images?description=${encodeURIComponent($("im-description").value)}`,
    { method: "POST", headers: { "Content-Type": file.type || "application/octet-stream" }, body: file });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const image = await response.json();
  $("im-markdown").value = image.markdown;
  $("image-result").hidden = false;
  showMessage("Image téléversée\u00a0: collez le texte donné dans le contenu.", "ok");
});

async function followCampaign(month) {
  clearTimeout(polling);
  const response = await api(`${base}/${encodeURIComponent(month)}/campaign`);
  if (!response.ok) { $("campaign-progress").textContent = "L'envoi n'a pas encore commencé."; return; }
  const p = await response.json();
  $("campaign-progress").replaceChildren(
    h("p", {}, p.status === "Sent" ? "Envoi terminé le " + parisDateTime(p.completedAt) + "." : "Envoi en cours (commencé le " + parisDateTime(p.startedAt) + ")."),
    h("ul", {},
      h("li", {}, plural(p.sent, "e-mail envoyé", "e-mails envoyés") + " sur " + plural(p.recipients, "destinataire")),
      h("li", {}, plural(p.pending, "en attente", "en attente")),
      h("li", {}, plural(p.failed, "échec")),
      h("li", {}, plural(p.skipped, "adresse ignorée", "adresses ignorées") + " (désabonnées ou en erreur entre-temps)")));
  if (p.status !== "Sent" && current?.month === month) polling = setTimeout(() => followCampaign(month), 5000);
}

$("issues").addEventListener("click", event => {
  const button = event.target.closest("button[data-open]");
  if (button) open(button.dataset.open);
});

const now = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" }).slice(0, 7);
fields.month.value = now;
loadIssues();
