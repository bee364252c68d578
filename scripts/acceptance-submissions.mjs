#!/usr/bin/env node
// Acceptance of the submissions and indicators issue against a running ./run.sh (http://127.0.0.1:7071):
// a network key for the sample network and two of its microstructures; fiches for both, one CSV saved
// as Windows-1252 (French Excel's "CSV (séparateur : point-virgule)") and one JSON, per the published
// schema; within 30 s the network and nation indicators show the right counts, share of women and mean
// age; the same CSV sent again changes nothing; a file with a social-security number is refused whole,
// naming its line and field, nothing stored; the dashboard shows the figures.
// Usage: node scripts/acceptance-submissions.mjs   (exit code 1 on any failed check)
import { readFileSync } from "node:fs";

const base = process.env.BASE ?? "http://127.0.0.1:7071";
const staffKey = process.env.STAFF_KEY ?? JSON.parse(readFileSync("local.settings.json", "utf8")).Values.Admin__ApiKey;
const run = Date.now().toString(36).slice(-5).toUpperCase();
let failed = false;
const check = (name, ok, detail = "") => { console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`); if (!ok) failed = true; };
const sleep = ms => new Promise(r => setTimeout(r, ms));
const staff = (path, init = {}) => fetch(base + path, { ...init, headers: { Authorization: `Bearer ${staffKey}`, ...(init.headers ?? {}) } });

// Windows-1252: ASCII plus the French letters this file uses.
const cp1252 = text => Buffer.from([...text].map(c => { const code = c.charCodeAt(0); if (code < 128 || (code >= 160 && code < 256)) return code; throw new Error(c); }));
const network = "rms-exemple-vosges";
const issued = await (await staff(`/api/manage/networks/${network}/keys`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ label: `Recette ${run}` }) })).json();
const key = issued.secret;
check("a network key issued", typeof key === "string");
const asNetwork = (path, init = {}) => fetch(base + path, { ...init, headers: { Authorization: `Bearer ${key}`, ...(init.headers ?? {}) } });
const micro = (await (await asNetwork("/api/network/microstructures")).json()).map(m => m.id);
check("two microstructures of the network", micro.length >= 2, micro.join(", "));
const [first, second] = micro;
const ownPath = `/api/network/indicators?level=network&id=${network}&year=2025`;
const before = await indicators(ownPath);
const receiptsBefore = (await (await asNetwork("/api/network/submissions?period=2025")).json()).length;
const patientsBefore = number(before, "patients") ?? 0;

const header = "microstructure_id;pseudonyme;annee_naissance;sexe;date_inclusion;experimentation;motif_principal;autres_motifs;produit_principal;ressources";
const line = (m, p, year, sex) => `${m};${p};${year};${sex};2025-01-10;equip-addict;Addiction;Précarité;Cocaïne;`;
const csv = cp1252([header, line(first, `R${run}-A1`, 1980, "Femme"), line(first, `R${run}-A2`, 1990, "Homme"), line(first, `R${run}-A3`, 1970, "Femme"), ""].join("\r\n"));
const json = JSON.stringify({ vocabularyVersion: "2026.1", kind: "patient-fiches", fiches: [[`R${run}-B1`, 1960, "female"], [`R${run}-B2`, 2000, "male"], [`R${run}-B3`, 1985, "female"]].map(([pseudonym, birthYear, sex]) => ({
  microstructureId: second, pseudonym, birthYear, sex, inclusionDate: "2025-01-10", experiment: "equip-addict", mainReason: "addiction", otherReasons: ["precarity"], mainSubstance: "cocaine",
})) });
const submit = (body, type) => asNetwork("/api/network/submissions?kind=patient-fiches&period=2025", { method: "POST", headers: { "Content-Type": type }, body });
const [csvAnswer, jsonAnswer] = await Promise.all([submit(csv, "text/csv"), submit(json, "application/json")]);
check("both files received (202)", csvAnswer.status === 202 && jsonAnswer.status === 202, `${csvAnswer.status}, ${jsonAnswer.status}`);
const csvReceipt = await csvAnswer.json();

async function indicators(path, until = () => true, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  let report;
  do {
    report = await (await (path.startsWith("/api/network") ? asNetwork(path) : staff(path))).json();
    if (until(report)) return report;
    await sleep(250);
  } while (Date.now() < deadline);
  return report;
}
function number(report, code) { return report.node?.values?.find(v => v.code === code)?.value ?? null; }

const started = Date.now();
const own = await indicators(ownPath, r => number(r, "patients") === patientsBefore + 6);
check("network figures within 30 s: 6 more patients", number(own, "patients") === patientsBefore + 6, `${number(own, "patients")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (patientsBefore === 0) {
  const ages = [45, 35, 55, 65, 25, 40];
  const mean = ages.reduce((a, b) => a + b) / ages.length;
  check("share of women 66.7 %", Math.abs(number(own, "sex.female.share") - 400 / 6) < 0.01, `${number(own, "sex.female.share")}`);
  check(`mean age ${mean.toFixed(1)}`, Math.abs(number(own, "age.mean") - mean) < 0.01, `${number(own, "age.mean")}`);
  check("Windows-1252 words read as codes (6 × cocaine)", number(own, "substance.main.cocaine") === 6);
}
const nation = await indicators("/api/manage/indicators?year=2025");
check("nation figures count them", number(nation, "patients") >= patientsBefore + 6, `${number(nation, "patients")}`);

const again = await submit(csv, "text/csv");
const againBody = await again.json();
await sleep(3000);
const after = await indicators(ownPath);
check("the same CSV again changes nothing", again.ok && number(after, "patients") === patientsBefore + 6, `HTTP ${again.status}, receipt ${againBody.receiptId === csvReceipt.receiptId ? "the same" : "new"}, ${number(after, "patients")} patients`);

// A NIR as people type it, in groups, with its valid key (97 - the 13 digits mod 97).
const nirKey = String(97n - (1800575123456n % 97n)).padStart(2, "0");
const nir = cp1252([header, line(first, `R${run}-C1`, 1980, "Femme"), line(first, `R${run}-C2`, 1975, "Homme").replace(/;$/, `;1 80 05 75 123 456 ${nirKey}`), ""].join("\r\n"));
const refused = await submit(nir, "text/csv");
const problem = await refused.text();
check("a file with a social-security number is refused", refused.status === 400, `HTTP ${refused.status}`);
check("naming its line and field", /ligne 3/i.test(problem) && problem.includes("ressources"), problem.slice(0, 200));
const receipts = await (await asNetwork("/api/network/submissions?period=2025")).json();
check("nothing of that file stored (no receipt)", receipts.length === receiptsBefore + 2, `${receipts.length} receipts, ${receiptsBefore} before`);
const dashboard = await (await fetch(`${base}/api/indicators/dashboard?year=2025`)).text();
check("the dashboard shows the figures", dashboard.includes("Patients suivis") && !dashboard.includes("Aucune donnée"));
process.exit(failed ? 1 : 0);
