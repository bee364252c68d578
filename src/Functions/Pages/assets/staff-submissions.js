// The activity data page (StaffSubmissionsPage): receipts per network and period, the evaluators'
// export (a CSV downloaded with the key) and the rebuild of every indicator.
import { api, h, plural, problemText, saveFile, showMessage, parisDateTime } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);
const STATUS = { queued: "en cours de traitement", accepted: "accepté", rejected: "rejeté" };
const KIND = { "patient-fiches": "Fiches patients", "microstructure-activity": "Activité" };

async function loadNetworks() {
  const response = await api("/api/manage/networks");
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const networks = await response.json();
  $("submissions-network").replaceChildren(...networks.map(n => h("option", { value: n.id }, n.name)));
  await loadReceipts();
}

function counts(r) {
  if (r.status === "queued") return plural(r.rows, "ligne") + " reçues";
  return [plural(r.imported ?? 0, "importée"), plural(r.updated ?? 0, "mise à jour", "mises à jour"), plural(r.ignored ?? 0, "ignorée"), plural(r.rejected, "rejetée")].join(", ");
}

// Only the latest load renders (a network chosen while the first list loads must not be overwritten by
// it); #receipts is aria-busy until then.
let lastLoad = 0;

async function loadReceipts() {
  const load = ++lastLoad;
  const receiptsBox = $("receipts");
  receiptsBox.setAttribute("aria-busy", "true");
  try {
    await renderReceipts(load);
  } finally {
    if (load === lastLoad) receiptsBox.setAttribute("aria-busy", "false");
  }
}

async function renderReceipts(load) {
  const network = $("submissions-network").value;
  if (!network) { $("receipts").replaceChildren(h("p", {}, "Aucun réseau.")); return; }
  const period = $("submissions-period").value.trim();
  const response = await api(`/api/manage/networks/${encodeURIComponent(network)}/submissions` + (period ? `?period=${encodeURIComponent(period)}` : ""));
  if (load !== lastLoad) return;
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const receipts = await response.json();
  if (load !== lastLoad) return;
  const columns = ["Reçu le", "Données", "Période", "Format", "État", "Lignes", "Détail"];
  $("receipts").replaceChildren(receipts.length
    ? h("table", { class: "cards" },
        h("caption", {}, plural(receipts.length, "envoi")),
        h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))),
        h("tbody", {}, receipts.map(r => h("tr", {},
          h("td", { "data-label": columns[0] }, parisDateTime(r.receivedAt)),
          h("td", { "data-label": columns[1] }, KIND[r.kind] ?? r.kind),
          h("td", { "data-label": columns[2] }, r.period),
          h("td", { "data-label": columns[3] }, `${r.format.toUpperCase()} (${r.encoding})`),
          h("td", { "data-label": columns[4] }, STATUS[r.status] ?? r.status),
          h("td", { "data-label": columns[5] }, counts(r)),
          h("td", { "data-label": columns[6] }, r.rejected > 0 ? h("button", { type: "button", class: "small secondary", "data-receipt": r.receiptId, "aria-label": `Lignes rejetées de l'envoi du ${parisDateTime(r.receivedAt)}` }, "Lignes rejetées") : "")))))
    : h("p", {}, "Aucun envoi de ce réseau pour cette période."));
}

$("receipts").addEventListener("click", async event => {
  const button = event.target.closest("button[data-receipt]");
  if (!button) return;
  const response = await api(`/api/manage/networks/${encodeURIComponent($("submissions-network").value)}/submissions/${encodeURIComponent(button.dataset.receipt)}`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const receipt = await response.json();
  const list = h("ul", { class: "row-errors" }, receipt.errors.map(e => h("li", {}, `Ligne ${e.line}, « ${e.field} »\u00a0: ${e.reason}`)));
  button.replaceWith(list);
});

$("submissions-filter").addEventListener("submit", event => { event.preventDefault(); loadReceipts(); });
$("submissions-network").addEventListener("change", loadReceipts);

$("export-form").addEventListener("submit", async event => {
  event.preventDefault();
  const kind = $("export-kind").value, period = $("export-period").value.trim();
  const response = await api(`/api/manage/submissions/export?kind=${encodeURIComponent(kind)}&period=${encodeURIComponent(period)}`);
  if (!response.ok) { showMessage(await problemText(response, f => ({ kind: $("export-kind"), period: $("export-period") })[f]), "danger"); return; }
  await saveFile(response, `cnrms-${kind}-${period}.csv`);
  showMessage("Export téléchargé et inscrit au journal.", "ok");
});

// The rebuild runs as a queued job: the page shows its state and asks again every 2 s until it ends.
const PHASE = { deleting: "effacement des lignes", replaying: "relecture des envois", recomputing: "calcul des indicateurs" };
let polling = null;

function describeRebuild(job) {
  const since = `demandé le ${parisDateTime(job.requestedAt)}`;
  switch (job.state) {
    // A long rebuild goes on in successive runs, queued between two: still "en cours" for the staff.
    case "queued": if (!job.startedAt || job.lastError) return `Recalcul en attente (${since})` + (job.lastError ? `\u00a0; nouvel essai après l'erreur\u00a0: ${job.lastError}` : "") + ".";
    // falls through
    case "running": return `Recalcul en cours (${since})\u00a0: ${PHASE[job.phase] ?? job.phase}, ${plural(job.receipts, "envoi relu", "envois relus")}.`;
    case "succeeded": return `Dernier recalcul terminé le ${parisDateTime(job.finishedAt)}\u00a0: ${plural(job.receipts, "envoi")} (${plural(job.rows, "ligne")})\u00a0; ${plural(job.factsRecomputed ?? 0, "microstructure-année modifiée", "microstructures-années modifiées")}.`;
    default: return `Le recalcul ${since} s'est interrompu` + (job.lastError ? ` (${job.lastError})` : "") + "\u00a0: relancez-le.";
  }
}

function showRebuild(job) {
  const active = job.state === "queued" || job.state === "running";
  $("rebuild-status").textContent = describeRebuild(job);
  $("rebuild").disabled = active;
  clearTimeout(polling);
  if (active) polling = setTimeout(() => pollRebuild(job.statusUrl), 2000);
}

async function pollRebuild(url) {
  const response = await api(url);
  if (!response.ok) { showMessage(await problemText(response), "danger"); $("rebuild").disabled = false; return; }
  showRebuild(await response.json());
}

$("rebuild").addEventListener("click", async () => {
  if (!confirm("Recalculer tous les indicateurs à partir des envois bruts\u00a0?")) return;
  $("rebuild").disabled = true;
  const response = await api("/api/manage/indicators/rebuild", { method: "POST" });
  if (!response.ok) { $("rebuild").disabled = false; showMessage(await problemText(response), "danger"); return; }
  showRebuild(await response.json());
});

async function loadRebuilds() {
  const response = await api("/api/manage/indicators/rebuilds");
  if (!response.ok) return;
  const [latest] = await response.json();
  if (latest) showRebuild(latest);
}

loadNetworks();
loadRebuilds();
