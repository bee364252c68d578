// The staff's dashboard (ManageDashboardPage, staff key) and a network's (NetworkDashboardPage, network
// key): the page is a shell; the dashboard's body comes from data-source as an HTML fragment drawn by the
// server's template (DashboardBody), parsed with DOMParser (its scripts never run) and inserted. The year
// picker of the body reloads this page with ?year=, which is passed on. Its CSV button (data-csv) fetches
// the unsuppressed file with the page's key and saves it under the name the server gives.
import "/api/assets/print.js";
import { api as staffApi, problemText, saveFile, showMessage as staffMessage, hideMessage } from "/api/assets/staff.js";
import { networkApi, forgetNetworkKey } from "/api/assets/network-key.js";

const $ = id => document.getElementById(id);
const root = $("dashboard");
const network = root.dataset.mode === "network";

function say(text, kind = "ok") {
  if (!network) { staffMessage(text, kind); return; }
  const box = $("dashboard-message");
  box.className = "notice " + kind;
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

async function load() {
  const year = new URLSearchParams(location.search).get("year");
  const path = root.dataset.source + (year ? "?year=" + encodeURIComponent(year) : "");
  const response = network ? await networkApi(path, say) : await staffApi(path);
  if (!response.ok) {
    root.replaceChildren();
    say(await problemText(response), "danger");
    return;
  }
  if (network) $("dashboard-message").hidden = true; else hideMessage();
  const fragment = new DOMParser().parseFromString(await response.text(), "text/html");
  root.replaceChildren(...fragment.body.childNodes);
  root.querySelector("button[data-csv]")?.addEventListener("click", event => download(event.currentTarget.dataset.csv));
}

async function download(path) {
  const response = network ? await networkApi(path, say) : await staffApi(path);
  if (!response.ok) { say(await problemText(response), "danger"); return; }
  await saveFile(response, "indicateurs.csv");
}

if (network) $("forget-network-key").addEventListener("click", () => { forgetNetworkKey(); location.reload(); });
await load();
