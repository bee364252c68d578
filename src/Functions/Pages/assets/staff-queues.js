// The failed queue messages page (PoisonQueuesPage): every "-poison" queue, its messages with their
// last error, replay one or all.
import { api, h, plural, problemText, showMessage, parisDateTime } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);

function failureText(f) {
  if (!f) return "Aucune erreur enregistrée pour ce message.";
  return `${f.functionName}, tentative ${f.dequeueCount}, ${parisDateTime(f.at)}\u00a0: ${f.exceptionType} — ${f.exceptionMessage}`;
}

function queueSection(q) {
  const columns = ["Message", "Mis de côté le", "Contenu", "Dernière erreur", "Action"];
  const rows = q.messages.map(m => h("tr", {},
    h("td", { "data-label": columns[0] }, h("code", {}, m.messageId)),
    h("td", { "data-label": columns[1] }, m.insertedOn ? parisDateTime(m.insertedOn) : ""),
    h("td", { "data-label": columns[2] }, h("code", { class: "wrap" }, m.text)),
    h("td", { "data-label": columns[3] }, failureText(m.lastFailure)),
    h("td", { "data-label": columns[4] }, h("button", { type: "button", class: "small", "data-queue": q.name, "data-message": m.messageId, "aria-label": "Rejouer le message " + m.messageId }, "Rejouer"))));
  return h("section", { class: "queue" },
    h("h2", {}, q.name),
    h("p", {}, `File d'origine\u00a0: ${q.originalQueue} — ${plural(q.approximateCount, "message")} en échec`,
      q.approximateCount > q.messages.length ? ` (les ${q.messages.length} premiers sont affichés)` : ""),
    q.messages.length
      ? [h("table", { class: "cards" }, h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))), h("tbody", {}, rows)),
         h("p", {}, h("button", { type: "button", class: "secondary", "data-queue": q.name, "data-all": "true" }, "Tout rejouer (" + q.name + ")"))]
      : h("p", {}, "Aucun message en échec."));
}

async function load() {
  const response = await api("/api/manage/queues/poison");
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const queues = await response.json();
  $("queues").replaceChildren(...(queues.length ? queues.map(queueSection) : [h("p", {}, "Aucune file de messages en échec : tout a été traité.")]));
}

$("queues").addEventListener("click", async event => {
  const button = event.target.closest("button[data-queue]");
  if (!button) return;
  const body = button.dataset.all ? {} : { messageId: button.dataset.message };
  const response = await api(`/api/manage/queues/${encodeURIComponent(button.dataset.queue)}/replay`, { method: "POST", json: body });
  if (!response.ok) { showMessage(await problemText(response), "danger"); await load(); return; }
  const result = await response.json();
  showMessage(`${plural(result.replayed, "message rejoué", "messages rejoués")} dans ${result.originalQueue}.`, "ok");
  await load();
});

$("queues-refresh").addEventListener("click", load);
load();
